package io.labforge.devrig.it;

import io.labforge.agent.Agent;
import io.labforge.agent.AgentSettings;
import io.labforge.cluster.ClusterServiceApplication;
import io.labforge.common.command.ClusterCommand;
import io.labforge.common.command.GitlabCommand;
import io.labforge.common.messaging.Bus;
import io.labforge.common.messaging.Json;
import io.labforge.common.sealing.Sealing;
import io.labforge.common.signing.Keys;
import io.labforge.common.worker.CommandProcessor;
import io.labforge.common.worker.Registration;
import io.labforge.common.worker.WorkerIdentity;
import io.labforge.common.worker.WorkerLoop;
import io.labforge.devrig.embedded.EmbeddedServices;
import io.labforge.gitlab.GitlabServiceApplication;
import io.labforge.orchestrator.OrchestratorApplication;
import io.labforge.orchestrator.runtime.KafkaSetup;
import io.labforge.orchestrator.runtime.OrchestratorRuntime;
import io.labforge.orchestrator.runtime.SagaCoordinator;
import io.labforge.orchestrator.runtime.SagaReads;
import io.labforge.orchestrator.trust.BusCa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * A whole Labforge for one test class: the shared embedded PostgreSQL and Kafka (real servers,
 * started once per JVM), a database of its own, an orchestrator and agents, each agent a separate
 * Spring application context with its own host root.
 */
final class Harness implements AutoCloseable {
    private static EmbeddedServices infra;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    final Path dir;
    final EmbeddedServices services;
    final String dbUrl;
    final Path stateDir;
    final String publicKey;
    /** The orchestrator's sealing public key (agents seal secret outputs to it). */
    final String sealingKey;
    ConfigurableApplicationContext orchestrator;
    final Map<String, Agent> agents = new LinkedHashMap<>();
    final HttpClient http = HttpClient.newHttpClient();
    /** The admin token the orchestrator wrote on its first start, and an operator's this harness made with it. */
    String adminToken;
    String operatorToken;
    /** The actor the audit log records for this harness's calls. */
    static final String ACTOR = "token:it-operator";

    static synchronized EmbeddedServices infra() {
        if (infra == null) {
            try {
                Path infraDir = Files.createTempDirectory("labforge-it-infra");
                infra = EmbeddedServices.start(infraDir, 0, infraDir.resolve("bus-ca"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(infra::close));
        }
        return infra;
    }

    Harness(Path dir) {
        this(dir, infra());
    }

    /**
     * With a PostgreSQL and a Kafka of its own, closed with it: for a test that stops or restarts them
     * (the other tests share one pair).
     */
    static Harness withOwnServers(Path dir) {
        Harness h = new Harness(dir.resolve("rig"), EmbeddedServices.start(dir.resolve("infra"), 0, dir.resolve("bus-ca")));
        h.ownServers = true;
        return h;
    }

    private boolean ownServers;

    /** With servers of its own, e.g. a Kafka that lab hosts on a bridge network can reach. */
    Harness(Path dir, EmbeddedServices services) {
        this.dir = dir;
        this.services = services;
        this.dbUrl = services.newDatabase("it_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet());
        this.stateDir = dir.resolve("orchestrator-state");
        // the broker trusts one bus CA: this orchestrator signs with it (the CA's files, as the demo's
        // orchestrator finds them in its own state directory)
        try {
            Files.createDirectories(stateDir);
            Path ca = services.busCaDir();
            if (!ca.equals(stateDir)) {
                Files.copy(ca.resolve(BusCa.KEY), stateDir.resolve(BusCa.KEY), StandardCopyOption.REPLACE_EXISTING);
                Files.copy(ca.resolve(BusCa.CERT), stateDir.resolve(BusCa.CERT), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.publicKey = Keys.encodePublic(Keys.loadOrCreate(stateDir).getPublic());
        this.sealingKey = Sealing.loadOrCreate(stateDir.resolve("sealing.key")).publicKey();
    }

    /** Starts the orchestrator; {@code extra}: more of its settings, e.g. {@code --labforge.api.max-hosts=3}. */
    ConfigurableApplicationContext startOrchestrator(String... extra) {
        orchestrator = orchestratorProcess(extra);
        OrchestratorRuntime runtime = orchestrator.getBean(OrchestratorRuntime.class);
        Awaitility.await("orchestrator owns the sagas").atMost(Duration.ofSeconds(60)).until(runtime::isLeader);
        if (operatorToken == null) {
            try {
                adminToken = Files.readString(stateDir.resolve("token")).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("the orchestrator wrote no admin token", e);
            }
            HttpResponse<String> made = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/tokens"))
                    .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"it-operator\", \"role\": \"operator\"}")).build());
            if (made.statusCode() != 201) {
                throw new IllegalStateException("could not make an operator token: " + made.statusCode() + " " + made.body());
            }
            operatorToken = Json.read(made.body()).get("token").asString();
        }
        return orchestrator;
    }

    /**
     * Another orchestrator on the same database, Kafka and state directory (as a second instance of a
     * deployment shares them): a standby while one owns the sagas. The harness's requests still go to
     * the first until {@link #use} says otherwise.
     */
    ConfigurableApplicationContext startAnotherOrchestrator(String... settings) {
        ConfigurableApplicationContext other = orchestratorProcess(settings);
        others.add(other);
        return other;
    }

    private final List<ConfigurableApplicationContext> others = new ArrayList<>();

    /** Sends the harness's requests to this orchestrator from now on. */
    void use(ConfigurableApplicationContext other) {
        if (orchestrator != null && orchestrator != other && !others.contains(orchestrator)) {
            others.add(orchestrator); // still closed with the harness (its bus watch would otherwise call a stopped broker for good)
        }
        orchestrator = other;
    }

    private ConfigurableApplicationContext orchestratorProcess(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.datasource.url=" + dbUrl,
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres",
                "--labforge.bootstrap-servers=" + services.kafkaBootstrapServers(),
                "--labforge.state-dir=" + stateDir,
                "--labforge.tick=100ms"));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(OrchestratorApplication.class).run(args.toArray(String[]::new));
    }

    void stopOrchestrator() {
        orchestrator.close();
        orchestrator = null;
    }

    /** Starts an agent whose host files live under {@code dir/hosts/<host>}. */
    Agent startAgent(String host) {
        return startAgent(host, publicKey);
    }

    Agent startAgent(String host, String trustedKey) {
        Path root = hostRoot(host);
        try {
            Files.createDirectories(root.resolve("etc"));
            // a host root stands for a Debian host with Docker installed
            Files.createDirectories(root.resolve("usr/bin"));
            if (!Files.exists(root.resolve("usr/bin/dockerd"))) {
                Files.createFile(root.resolve("usr/bin/dockerd"));
            }
            if (!Files.exists(root.resolve("etc/hostname"))) {
                Files.writeString(root.resolve("etc/hostname"), "debian\n");
                Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        enrol(dir.resolve("agent-state").resolve(host), host);
        java.sql.Timestamp launched = java.sql.Timestamp.from(java.time.Instant.now().minusSeconds(1));
        Agent agent = Agent.start(AgentSettings.fromArgs(
                "--labforge.agent.host-id=" + host,
                "--labforge.agent.bootstrap-servers=" + services.kafkaBootstrapServers(),
                "--labforge.agent.orchestrator-public-key=" + trustedKey,
                "--labforge.agent.orchestrator-sealing-key=" + sealingKey,
                "--labforge.agent.root=" + root,
                "--labforge.agent.state-dir=" + dir.resolve("agent-state").resolve(host),
                "--labforge.agent.heartbeat=2s"));
        WorkerLoop loop = agent.loop();
        Awaitility.await("agent " + host + " reads its partition").atMost(Duration.ofSeconds(30)).until(loop::ready);
        // a lab naming a host no agent announced itself on is refused: wait until the orchestrator has it
        Awaitility.await("agent " + host + " announced itself").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> jdbc().queryForObject("SELECT count(*) FROM host WHERE lab_host = ? AND announced_at >= ?", Integer.class, host,
                        launched) == 1);
        agents.put(host, agent);
        return agent;
    }

    Path hostRoot(String host) {
        return dir.resolve("hosts").resolve(host);
    }

    int executions(String host, String stepId) {
        return agents.get(host).processor().executions(stepId);
    }

    SagaReads reads() {
        return orchestrator.getBean(SagaReads.class);
    }

    SagaCoordinator coordinator() {
        return orchestrator.getBean(SagaCoordinator.class);
    }

    /** Polls a saga until it is no longer running or compensating; returns it as the API shows it. */
    JsonNode awaitFinal(String sagaId, Duration timeout) {
        JsonNode[] last = new JsonNode[1];
        Awaitility.await("saga " + sagaId).atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> {
            last[0] = Json.read(get("/api/sagas/" + sagaId).body());
            String s = last[0].get("status").asString();
            return !s.equals("RUNNING") && !s.equals("COMPENSATING");
        });
        return last[0];
    }

    /** One step of a saga as the API shows it. */
    static JsonNode step(JsonNode saga, String id) {
        for (JsonNode s : saga.get("steps")) {
            if (s.get("id").asString().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no step " + id + " in " + saga);
    }

    <T> T bean(Class<T> type) {
        return orchestrator.getBean(type);
    }

    JdbcTemplate jdbc() {
        return orchestrator.getBean(JdbcTemplate.class);
    }

    String baseUrl() {
        return "http://localhost:" + orchestrator.getEnvironment().getProperty("local.server.port");
    }

    /** What points {@code ./labforge} at this orchestrator: its URL and the file of its admin token. */
    Map<String, String> cliEnv() {
        return ReadmeLines.api(baseUrl(), stateDir.resolve("token"));
    }

    /** A request to the API carrying the operator token. */
    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Authorization", "Bearer " + operatorToken);
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    HttpResponse<String> post(String path, String body) {
        return send(request(path).header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** Posts a JSON body, e.g. a lab with its files ({@code {"lab": …, "files": {…}}}). */
    HttpResponse<String> postJson(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build());
    }

    HttpResponse<String> send(HttpRequest r) {
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Makes a worker's identity in its state directory, as the worker would at its first start, and
     * registers it as an admin does (the REST API, the admin token): what {@code hosts bootstrap} and
     * {@code labforge workers enrol} do for real hosts and services.
     */
    WorkerIdentity enrol(Path workerStateDir, String worker) {
        WorkerIdentity id = WorkerIdentity.loadOrCreate(workerStateDir, worker).identity();
        register(id).install(workerStateDir);
        return id;
    }

    /** Registers a worker's identity through the API with the admin token (a {@code HostBootstrap.Registrar}). */
    Registration register(WorkerIdentity id) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/workers/" + id.worker()))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(id.toJson())).build());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("could not register " + id.worker() + ": " + r.statusCode() + " " + r.body());
        }
        return Json.MAPPER.readValue(r.body(), Registration.class);
    }

    /**
     * The agent as its own JVM, as its systemd unit runs it (for tests that kill it): the host's files
     * under {@code root}, its keys and journal in {@code state} (enrolled before), heartbeats every 2 s, its
     * output appended to {@code log}.
     */
    Process launchAgentProcess(String host, Path root, Path state, Path log) {
        try {
            Files.createDirectories(log.getParent());
            return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                    "-cp", System.getProperty("java.class.path"), "io.labforge.agent.AgentApplication",
                    "--labforge.agent.host-id=" + host, "--labforge.agent.bootstrap-servers=" + services.kafkaBootstrapServers(),
                    "--labforge.agent.orchestrator-public-key=" + publicKey, "--labforge.agent.orchestrator-sealing-key=" + sealingKey,
                    "--labforge.agent.root=" + root, "--labforge.agent.state-dir=" + state, "--labforge.agent.heartbeat=2s")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Directory hosts served by one agent process in fleet mode ({@code AgentApplication fleet DIR}), each enrolled here
     * with its own identity: host NAME's files under {@code dir/hosts/NAME} (a fresh Debian's {@code /etc/hostname} and
     * {@code /etc/hosts}), its keys and journal under {@code dir/state/NAME}, heartbeats every 2 s; the process's output
     * in {@code log}. Returns once every host announced itself.
     */
    Process startFleet(Path dir, List<String> hosts, Path log) throws IOException {
        Path fleet = dir.resolve("fleet");
        Files.createDirectories(fleet);
        for (String host : hosts) {
            Path state = dir.resolve("state").resolve(host);
            Path root = dir.resolve("hosts").resolve(host);
            Files.createDirectories(root.resolve("etc"));
            Files.writeString(root.resolve("etc/hostname"), "debian\n");
            Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n");
            enrol(state, host);
            Files.writeString(fleet.resolve(host + ".properties"), "labforge.agent.host-id=" + host + "\n"
                    + "labforge.agent.bootstrap-servers=" + services.kafkaBootstrapServers() + "\n"
                    + "labforge.agent.orchestrator-public-key=" + publicKey + "\n"
                    + "labforge.agent.orchestrator-sealing-key=" + sealingKey + "\n"
                    + "labforge.agent.root=" + root + "\nlabforge.agent.state-dir=" + state + "\nlabforge.agent.heartbeat=2s\n");
        }
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "io.labforge.agent.AgentApplication", "fleet", fleet.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        String in = String.join(",", hosts.stream().map(h -> "'" + h + "'").toList());
        try {
            Awaitility.await("the fleet's agents announce themselves").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> jdbc().queryForObject("SELECT count(*) FROM host WHERE announced_at IS NOT NULL AND lab_host IN (" + in + ")",
                            Integer.class) == hosts.size());
        } catch (RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
        return p;
    }

    /** Removes a worker's identity through the API with the admin token (a {@code AgentUninstall.Removal}, as uninstall does). */
    void removeWorker(String worker, String removed) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/workers/" + worker + "?removed="
                + java.net.URLEncoder.encode(removed, java.nio.charset.StandardCharsets.UTF_8)))
                .header("Authorization", "Bearer " + adminToken).DELETE().build());
        if (r.statusCode() != 204 && r.statusCode() != 404) {
            throw new IllegalStateException("could not remove " + worker + ": " + r.statusCode() + " " + r.body());
        }
    }

    /** The bus as the orchestrator (the broker's super user) reaches it: for tests that play the orchestrator's part. */
    /** Every record on {@code topics} from their beginning, as text: what a test checks never travelled in clear. */
    List<String> records(String... topics) {
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSetup.consumer(orchestratorBus(), "it-scan"))) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                c.partitionsFor(t).forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            var end = c.endOffsets(parts);
            long deadline = System.currentTimeMillis() + 30_000;
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    out.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    Bus orchestratorBus() {
        return services.bus(services.busCa().newClient("orchestrator", Duration.ofDays(1)));
    }

    /** cluster-service in this JVM, on the same Kafka, trusting this orchestrator's key. */
    ConfigurableApplicationContext startClusterService() {
        enrol(dir.resolve("cluster-service"), ClusterCommand.TARGET);
        clusterService = new SpringApplicationBuilder(ClusterServiceApplication.class)
                .web(WebApplicationType.NONE)
                .run("--labforge.bootstrap-servers=" + services.kafkaBootstrapServers(),
                        "--labforge.cluster.state-dir=" + dir.resolve("cluster-service"),
                        "--labforge.cluster.orchestrator-public-key=" + publicKey);
        return clusterService;
    }

    private ConfigurableApplicationContext clusterService;

    /** gitlab-service in this JVM: it trusts this orchestrator's key and seals secret outputs (runner tokens) to it. */
    ConfigurableApplicationContext startGitlabService() {
        enrol(dir.resolve("gitlab-service"), GitlabCommand.TARGET);
        gitlabService = new SpringApplicationBuilder(GitlabServiceApplication.class)
                .web(WebApplicationType.NONE)
                .run("--labforge.bootstrap-servers=" + services.kafkaBootstrapServers(),
                        "--labforge.gitlab.state-dir=" + dir.resolve("gitlab-service"),
                        "--labforge.gitlab.orchestrator-public-key=" + publicKey,
                        "--labforge.gitlab.orchestrator-sealing-key=" + sealingKey,
                        "--labforge.gitlab.readiness-poll=500ms");
        return gitlabService;
    }

    private ConfigurableApplicationContext gitlabService;

    @Override
    public void close() {
        if (clusterService != null) {
            clusterService.close();
        }
        if (gitlabService != null) {
            gitlabService.close();
        }
        agents.values().forEach(Agent::close);
        if (orchestrator != null) {
            orchestrator.close();
        }
        others.forEach(ConfigurableApplicationContext::close);
        if (ownServers) {
            services.close();
        }
    }
}
