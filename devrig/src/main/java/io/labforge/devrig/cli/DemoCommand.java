package io.labforge.devrig.cli;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.command.GitlabCommand;
import io.labforge.common.id.SagaId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.swarm.SwarmSpec;
import io.labforge.common.worker.WorkerIdentity;
import io.labforge.devrig.embedded.EmbeddedServices;
import io.labforge.devrig.labhosts.DirectoryHosts;
import io.labforge.devrig.labhosts.LocalLab;
import io.labforge.orchestrator.OrchestratorApplication;
import io.labforge.orchestrator.bootstrap.HostBootstrap;
import io.labforge.orchestrator.cli.CliError;
import io.labforge.orchestrator.cli.LabforgeCli;
import io.labforge.orchestrator.persistence.SagaRepository;
import io.labforge.orchestrator.plan.Planners;
import io.labforge.orchestrator.runtime.LabSubmissions;
import io.labforge.orchestrator.runtime.OrchestratorRuntime;
import io.labforge.orchestrator.runtime.ProgressBus;
import io.labforge.orchestrator.runtime.SagaReads;
import io.labforge.orchestrator.saga.Saga;
import io.labforge.orchestrator.saga.SagaStatus;
import io.labforge.orchestrator.trust.WorkerIdentities;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * The embedded default: a real PostgreSQL and a real Kafka broker in this JVM, the orchestrator,
 * and one agent process per host of the lab. Without Docker the hosts are directories (each
 * agent's root), so nothing on this machine is changed; the lab-hosts capability adds containers.
 */
@Command(name = "demo", description = "Starts embedded PostgreSQL and Kafka, the orchestrator and one agent per host, "
        + "applies the lab with live progress, and leaves the REST API up.")
public final class DemoCommand implements Callable<Integer> {
    @Parameters(paramLabel = "LAB.yaml", defaultValue = "examples/local-lab.yaml")
    Path labFile;
    @Option(names = "--port", defaultValue = "8080", description = "REST API port (default 8080)")
    int port;
    @Option(names = "--dir", defaultValue = ".labforge/demo", description = "where the demo keeps its state")
    Path dir;
    @Option(names = "--agent-jar", description = "the agent's jar (default: agent/target/labforge-agent-exec.jar)")
    Path agentJar;
    @Option(names = "--exit", description = "stop everything once the saga ends (for scripts)")
    boolean exit;
    @Option(names = "--hosts", defaultValue = "auto", description = "containers (lab hosts on the local Docker daemon), "
            + "dirs (each host a directory: nothing on this machine changes) or auto (containers when Docker and the "
            + "lab-host image are there)")
    String hostsMode;

    @Override
    public Integer call() throws Exception {
        String source = LabforgeCli.read(labFile);
        Lab lab = LabforgeCli.lab(labFile);
        Path jar = agentJar != null ? agentJar : Path.of("agent", "target", "labforge-agent-exec.jar");
        if (!Files.isRegularFile(jar)) {
            throw new CliError("no agent jar at " + jar + ": build it first (mvn -q -B package -DskipTests) or pass --agent-jar");
        }
        deleteTree(dir);
        Files.createDirectories(dir.resolve("logs"));
        long t0 = System.nanoTime();
        boolean containers = switch (hostsMode) {
            case "containers" -> {
                LocalLab.dockerUnavailable().ifPresent(r -> {
                    throw new CliError(r);
                });
                yield true;
            }
            case "dirs" -> false;
            case "auto" -> {
                var why = LocalLab.dockerUnavailable();
                why.ifPresent(r -> LabforgeCli.OUT.println("hosts are directories (" + r + ")"));
                yield why.isEmpty();
            }
            default -> throw new CliError("--hosts takes containers, dirs or auto");
        };
        if (!containers && SwarmSpec.of(lab) != null) {
            throw new CliError("this lab builds a Docker Swarm, which needs real hosts, not directories: start Docker and "
                    + "build the lab-host images (lab-hosts/docker-up && lab-hosts/build-images), or use examples/local-lab.yaml");
        }
        if (lab.hosts().stream().anyMatch(h -> h.kind() == Lab.Kind.VM)) {
            throw new CliError("this lab has VM hosts (kind: vm): start them with ./labforge lab up " + labFile
                    + ", then ./labforge server and ./labforge hosts bootstrap (the demo runs containers or directories)");
        }
        LocalLab local = containers ? new LocalLab(lab, LabforgeCli.home()) : null;
        if (containers) {
            LabforgeCli.OUT.println("starting " + lab.hosts().size() + " lab hosts (containers: systemd, sshd, Docker, firewalld) …");
            local.down();
            lab.hosts().forEach(h -> HostBootstrap.forgetHostKey(LabforgeCli.home().resolve("known_hosts"), h.address()));
            local.up(Duration.ofMinutes(3));
            LabforgeCli.OUT.printf("lab hosts up (%.1fs)%n", secs(t0));
        }
        LabforgeCli.OUT.println("starting embedded PostgreSQL and Kafka (KRaft) …");
        EmbeddedServices infra = EmbeddedServices.start(dir.resolve("infra"), 0, containers ? local.gateway() : null,
                dir.resolve("orchestrator").toAbsolutePath());
        // its port is new at each start: what hosts bootstrap --kafka takes for more hosts while the demo runs
        LabforgeCli.OUT.printf("Kafka (mutual TLS only) at %s%s%n", infra.kafkaBootstrapServers(),
                containers ? ", where lab hosts reach it (hosts bootstrap --kafka takes it)" : "");
        List<Process> agents = new ArrayList<>();
        ConfigurableApplicationContext[] ctxRef = new ConfigurableApplicationContext[1];
        Thread cleanup = new Thread(() -> stopAll(agents, ctxRef[0], infra, exit ? local : null));
        Runtime.getRuntime().addShutdownHook(cleanup);
        ConfigurableApplicationContext ctx = null;
        Path orchestratorLog = dir.resolve("logs/orchestrator.log").toAbsolutePath();
        try {
            String db = infra.newDatabase("labforge");
            ctx = new SpringApplicationBuilder(OrchestratorApplication.class).run(
                    "--server.port=" + port, "--spring.datasource.url=" + db, "--spring.datasource.username=postgres",
                    "--spring.datasource.password=postgres", "--labforge.bootstrap-servers=" + infra.kafkaBootstrapServers(),
                    "--labforge.state-dir=" + dir.resolve("orchestrator").toAbsolutePath(),
                    // the secrets labforge secret set keeps (its default store): the demo's own state is remade at each start
                    "--labforge.secrets-dir=" + Path.of(System.getProperty("user.home"), ".labforge", "secrets"),
                    // the framework's and the servers' log lines go to a file: the terminal shows the demo's progress
                    "--logging.config=classpath:logback-demo.xml", "--logging.file.name=" + orchestratorLog);
            ctxRef[0] = ctx;
            OrchestratorRuntime runtime = ctx.getBean(OrchestratorRuntime.class);
            while (!runtime.isLeader()) {
                Thread.sleep(100);
            }
            LabforgeCli.OUT.printf("orchestrator up: http://localhost:%d/api/sagas (%.1fs; its log: %s)%n", port, secs(t0),
                    orchestratorLog);
            WorkerIdentities identities = ctx.getBean(WorkerIdentities.class);
            String actor = System.getProperty("user.name", "demo") + "@demo";
            if (containers) {
                // each agent's identity, read over its pinned SSH session, registered in this process
                HostBootstrap b = new HostBootstrap(jar, LabforgeCli.home().resolve("known_hosts"),
                        new HostBootstrap.Login("root", local.privateKey(), null), infra.kafkaBootstrapServers(),
                        Files.readString(dir.resolve("orchestrator/orchestrator.pub")),
                        Files.readString(dir.resolve("orchestrator/sealing.pub")),
                        id -> identities.register(id, actor));
                for (HostBootstrap.Outcome o : b.all(lab.hosts().stream().map(h -> new String[] {h.name(), h.address()}).toList())) {
                    LabforgeCli.OUT.printf("  %-8s %-14s %s%n", o.host(), o.ok() ? "agent installed" : "FAILED", o.detail());
                    if (!o.ok()) {
                        throw new CliError("bootstrap failed on " + o.host() + ": " + o.detail());
                    }
                }
            } else {
                // directory hosts: their agents run on this machine, all in one JVM (fleet mode), each with its
                // own keys (made here and registered), journal and root
                DirectoryHosts hosts = new DirectoryHosts(dir, dir.resolve("orchestrator"));
                hosts.prepare(lab.hosts(), identities, actor, infra.kafkaBootstrapServers());
                agents.add(hosts.startFleet(jar, lab.hosts().size()));
            }
            Set<String> targets = new HashSet<>();
            Planners.all().plan(lab).steps().forEach(st -> targets.add(st.target()));
            if (targets.contains(ClusterCommand.TARGET)) {
                agents.add(startService("cluster", ClusterCommand.TARGET, identities, actor, infra.kafkaBootstrapServers()));
                LabforgeCli.OUT.println("cluster-service started (the swarm's services and Prometheus go through it)");
            }
            if (targets.contains(GitlabCommand.TARGET)) {
                agents.add(startService("gitlab", GitlabCommand.TARGET, identities, actor, infra.kafkaBootstrapServers()));
                LabforgeCli.OUT.println("gitlab-service started (gitlab.rb, GitLab's readiness, projects and runners go through it)");
            }
            SagaRepository repo = ctx.getBean(SagaRepository.class);
            List<String> names = lab.hostNames();
            // a minute, and more for a larger lab (a fleet of 300 starts its agents one after another)
            long wait = 60_000 + 400L * names.size();
            long deadline = System.currentTimeMillis() + wait;
            long shown = -1;
            long nextLine = System.currentTimeMillis() + 2_000;
            for (long announced = 0; announced < names.size(); Thread.sleep(200)) {
                announced = repo.hosts(names).stream().filter(r -> r.get("announced_at") != null).count();
                if (announced != shown && (System.currentTimeMillis() >= nextLine || announced == names.size())) {
                    LabforgeCli.OUT.printf("  agents announced: %d/%d (%.1fs)%n", announced, names.size(), secs(t0));
                    shown = announced;
                    nextLine = System.currentTimeMillis() + 2_000;
                }
                if (announced < names.size() && System.currentTimeMillis() > deadline) {
                    throw new CliError((names.size() - announced) + " of " + names.size() + " agents did not announce themselves within "
                            + wait / 1000 + "s: see " + dir.resolve("logs"));
                }
            }
            LabforgeCli.OUT.printf("%d agents announced (%.1fs); applying %s%n%n", names.size(), secs(t0), labFile);
            LabSubmissions submissions = ctx.getBean(LabSubmissions.class);
            CountDownLatch done = new CountDownLatch(1);
            long[] start = {System.nanoTime()};
            // the target column as wide as the lab's longest host name or Labforge's services (the orchestrator's own steps)
            int width = java.util.stream.Stream.concat(names.stream(), LabforgeCli.SERVICE_TARGETS.stream()).mapToInt(String::length)
                    .max().orElse(8);
            ctx.getBean(ProgressBus.class).watchAll(u -> print(u, start[0], width, done));
            SagaId id = submissions.submit(source, LabforgeCli.files(labFile, source), Saga.Mode.APPLY, System.getProperty("user.name", "demo") + "@demo");
            done.await();
            SagaStatus status = ctx.getBean(SagaReads.class).status(id);
            LabforgeCli.OUT.printf("%nsaga %s: %s in %.1fs (%.1fs from a cold start)%n", id, status, secs(start[0]), secs(t0));
            if (containers && exit) {
                LabforgeCli.OUT.println("the lab hosts are removed as the demo exits (--exit)");
            } else if (containers) {
                LabforgeCli.OUT.println("on the hosts: docker exec -it " + local.container(lab.hosts().get(0)) + " bash   "
                        + "(or ssh -i " + local.privateKey() + " root@" + lab.hosts().get(0).address() + ")");
            } else {
                LabforgeCli.OUT.println("hosts' files are under " + dir.resolve("hosts") + "; agents' logs under " + dir.resolve("logs"));
            }
            if (exit) {
                return status == SagaStatus.SUCCEEDED ? 0 : 1;
            }
            Path token = dir.resolve("orchestrator/token").toAbsolutePath();
            LabforgeCli.OUT.printf("REST API on http://localhost:%d (loopback only); its admin token is in %s (mode 600):%n"
                    + "  export LABFORGE_TOKEN_FILE=%s%n  ./labforge status %s ; ./labforge audit verify ; ./labforge token create --role viewer --name me%n"
                    + "  console: http://localhost:%d/#/saga/%s (sign in with the token: cat %s)%n", port, token, token, id, port, id, token);
            LabforgeCli.OUT.println("Ctrl-C stops the demo" + (containers ? " (the lab hosts stay: ./labforge lab down " + labFile + ")" : "") + ".");
            Thread.currentThread().join();
            return 0;
        } finally {
            Runtime.getRuntime().removeShutdownHook(cleanup);
            stopAll(agents, ctx, infra, exit ? local : null);
        }
    }

    private static void stopAll(List<Process> agents, ConfigurableApplicationContext ctx, EmbeddedServices infra, LocalLab local) {
        agents.forEach(Process::destroy);
        for (Process p : agents) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ctx != null && ctx.isActive()) {
            ctx.close();
        }
        try {
            infra.close();
        } catch (RuntimeException e) {
            // already stopped
        }
        if (local != null) {
            local.down();
        }
    }

    /**
     * {@code cluster}-service or {@code gitlab}-service as a child JVM, as docker-compose.yml runs it
     * beside the orchestrator: the orchestrator's signing key to trust, its sealing key for secret outputs;
     * its identity made in its state directory and enrolled first, as an operator does.
     */
    private Process startService(String kind, String name, WorkerIdentities identities, String actor, String kafka) throws IOException {
        Path jar = Path.of(kind + "-service", "target", "labforge-" + kind + "-service-exec.jar");
        if (!Files.exists(jar)) {
            throw new CliError(jar + " is missing: build it with mvn -q install -DskipTests");
        }
        Path state = dir.resolve(kind + "-service").toAbsolutePath();
        identities.register(WorkerIdentity.loadOrCreate(state, name).identity(), actor).install(state);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx192m", "-XX:TieredStopAtLevel=1", "-jar", jar.toAbsolutePath().toString(),
                "--labforge.bootstrap-servers=" + kafka, "--labforge." + kind + ".state-dir=" + dir.resolve(kind + "-service").toAbsolutePath(),
                "--labforge." + kind + ".orchestrator-public-key-file=" + dir.resolve("orchestrator/orchestrator.pub").toAbsolutePath(),
                "--labforge." + kind + ".orchestrator-sealing-key-file=" + dir.resolve("orchestrator/sealing.pub").toAbsolutePath())
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs").resolve(kind + "-service.log").toFile()).start();
    }

    private static void print(JsonNode u, long t0, int width, CountDownLatch done) {
        String event = u.path("event").asString("");
        String step = u.path("step").asString("");
        String target = u.path("target").asString("");
        JsonNode d = u.path("detail");
        String line = switch (event) {
            case "step.dispatched" -> "→ " + step + " (attempt " + d.path("attempt").asInt() + ")";
            case "step.succeeded" -> "✓ " + step + (d.path("changed").asBoolean() ? "  changed: "
                    + d.path("diff").asString("").lines().findFirst().orElse("") + (d.path("diff").asString("").lines().count() > 1 ? " …" : "")
                    : "  already so");
            case "step.failed" -> "✗ " + step + "  " + d.path("reason").asString("");
            case "step.retry-scheduled" -> "↻ " + step + "  retry: " + d.path("reason").asString("");
            case "step.progress" -> "  " + step + " | " + u.path("line").asString("");
            default -> event.startsWith("saga.") ? "saga " + event.substring(5) : null;
        };
        if (line != null) {
            LabforgeCli.OUT.printf("%6.2fs %-" + width + "s %s%n", secs(t0), target, line);
        }
        String status = u.path("status").asString("");
        if (status.equals("SUCCEEDED") || status.equals("PAUSED") || status.equals("FAILED") || status.equals("COMPENSATED")) {
            done.countDown();
        }
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
