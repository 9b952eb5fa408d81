package io.labforge.devrig.bench;

import io.labforge.common.agent.Noop;
import io.labforge.common.id.LabId;
import io.labforge.common.id.SagaId;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab.FailurePolicy;
import io.labforge.common.messaging.Json;
import io.labforge.devrig.embedded.EmbeddedServices;
import io.labforge.orchestrator.OrchestratorApplication;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.planner.StepSpec;
import io.labforge.orchestrator.runtime.OrchestratorRuntime;
import io.labforge.orchestrator.runtime.ProgressBus;
import io.labforge.orchestrator.runtime.SagaCoordinator;
import io.labforge.orchestrator.saga.Saga;
import io.labforge.orchestrator.trust.BusCa;
import io.labforge.orchestrator.trust.WorkerIdentities;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;
import tools.jackson.databind.node.ObjectNode;

/**
 * The benchmark ({@code ./labforge bench}; not a test): one lab of N simulated hosts × K chained no-op steps through the real
 * stack (embedded PostgreSQL and Kafka, the orchestrator, the agent's command processor), printing
 * steps per second, command→event latency and where the CPU went ({@link CpuSplit}).
 */
@Command(name = "labforge-bench", mixinStandardHelpOptions = true, description = "Measures Labforge's own overhead: N simulated hosts × K no-op steps.")
public final class Benchmark implements Callable<Integer> {
    /** Threads that are the orchestrator's own work (Kafka's client threads are not counted). */
    static final List<String> ORCHESTRATOR_THREADS = List.of("saga-loop", "outbox-relay", "event-consumer", "saga-timer");

    @Option(names = "--hosts", split = ",", defaultValue = "10,100,1000", description = "host counts (default 10,100,1000)")
    int[] hosts;
    @Option(names = "--steps", defaultValue = "5", description = "steps per host (default 5)")
    int steps;
    // measured 2026-12-02: after 8 warm-ups the JIT still took 0.8-1.2 ms of CPU per step (a third of the run's CPU);
    // after 30, 0.2-0.4 ms (see CpuSplit's line under each run)
    @Option(names = "--warmups", defaultValue = "30", description = "unreported warm-up runs of 100 hosts (default 30)")
    int warmups;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Benchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("labforge-bench");
        System.out.println("starting embedded PostgreSQL and Kafka …");
        try (EmbeddedServices infra = EmbeddedServices.start(dir.resolve("infra"), 0, dir.resolve("bus-ca"));
                ConfigurableApplicationContext ctx = orchestrator(infra, dir.resolve("orchestrator"))) {
            // one orchestrator for every run, as a server that stays up while labs come and go; unreported runs
            // warm the JIT (the orchestrator's, the broker's and the clients' code), so the figures below are those
            // of a server that has been up for a while
            for (int w = 1; w <= warmups; w++) {
                Result r = runOnce(ctx, infra, dir.resolve("warmup" + w), 100, steps, "warmup" + w);
                System.out.printf("warm-up %d/%d: %.0f steps/s, command→event p99 %.1f ms%n", w, warmups, r.total / r.seconds, r.c99);
            }
            System.out.printf("%n%6s %6s %8s %8s %8s %8s %8s %8s %10s %10s %10s%n", "hosts", "steps", "total", "seconds",
                    "steps/s", "p50 ms", "p99 ms", "max ms", "orch CPU s", "CPU ms/st", "JVM CPU s");
            System.out.println("  p50/p99/max: command→event (the orchestrator writes a command → the host's answer is sent);"
                    + " round trip below each: dispatch committed → success committed");
            int run = 0;
            for (int n : hosts) {
                run++;
                Result r = runOnce(ctx, infra, dir.resolve("run" + run), n, steps, "bench" + run);
                System.out.printf("%6d %6d %8d %8.2f %8.0f %8.1f %8.1f %8.1f %10.2f %10.3f %10.2f%n", n, steps, r.total,
                        r.seconds, r.total / r.seconds, r.c50, r.c99, r.cmax, r.cpuSeconds, r.cpuSeconds * 1000 / r.total,
                        r.jvmCpuSeconds);
                System.out.printf("%6s %6s %8s %8s %8s %8.1f %8.1f %8.1f   (published command → answer)%n", "", "", "", "", "",
                        r.k50, r.k99, r.kmax);
                System.out.printf("%6s %6s %8s %8s %8s %8.1f %8.1f %8.1f   (round trip)%n", "", "", "", "", "", r.p50, r.p99, r.max);
                long all = r.cpuParts.values().stream().mapToLong(Long::longValue).sum();
                System.out.printf("%6s CPU per step, ms: %s; in all %.3f (%.2f of this machine's %d cores busy)%n", "",
                        CpuSplit.perStep(r.cpuParts, r.total), all / 1e6 / r.total, all / 1e9 / r.seconds,
                        Runtime.getRuntime().availableProcessors());
            }
        }
        return 0;
    }

    record Result(int total, double seconds, double p50, double p99, double max, double c50, double c99, double cmax,
            double k50, double k99, double kmax,
            double cpuSeconds, double jvmCpuSeconds, Map<String, Long> cpuParts) {
    }

    /** The orchestrator, on its own database, signing with the one bus CA the broker trusts. */
    static ConfigurableApplicationContext orchestrator(EmbeddedServices infra, Path stateDir) throws Exception {
        Files.createDirectories(stateDir);
        for (String f : List.of(BusCa.KEY, BusCa.CERT)) {
            Files.copy(infra.busCaDir().resolve(f), stateDir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(OrchestratorApplication.class).run(
                "--server.port=0", "--spring.datasource.url=" + infra.newDatabase("bench"), "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres", "--labforge.bootstrap-servers=" + infra.kafkaBootstrapServers(),
                "--labforge.state-dir=" + stateDir, "--logging.level.root=WARN");
        OrchestratorRuntime runtime = ctx.getBean(OrchestratorRuntime.class);
        Awaitility.await("the orchestrator owns the sagas").atMost(Duration.ofMinutes(1)).until(runtime::isLeader);
        return ctx;
    }

    /** One lab of {@code n} simulated hosts (named after the run: each run's hosts are new) × {@code k} chained steps. */
    static Result runOnce(ConfigurableApplicationContext ctx, EmbeddedServices infra, Path dir, int n, int k, String run) throws Exception {
        Files.createDirectories(dir);
        List<String> ids = new ArrayList<>();
        List<StepSpec> specs = new ArrayList<>();
        ObjectNode noop = (ObjectNode) Json.tree(new Noop(0, 0));
        for (int h = 0; h < n; h++) {
            String host = String.format("%s-%05d", run, h);
            ids.add(host);
            for (int s = 1; s <= k; s++) {
                specs.add(new StepSpec(StepId.of("s" + s + "@" + host), "agent.Noop", host, noop,
                        s == 1 ? List.of() : List.of(StepId.of("s" + (s - 1) + "@" + host)), Duration.ofMinutes(5),
                        StepSpec.RetryPolicy.DEFAULT, null));
            }
        }
        Plan plan = Plan.of(specs);
        KeyPair keys = ctx.getBean(KeyPair.class);
        WorkerIdentities identities = ctx.getBean(WorkerIdentities.class);
        try (SimulatedFleet fleet = new SimulatedFleet(ids, keys.getPublic(),
                infra.bus(infra.busCa().newClient("orchestrator", Duration.ofDays(1))), dir,
                id -> identities.register(id, "bench"))) {
            Map<String, Long> dispatched = new ConcurrentHashMap<>();
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            Set<String> succeeded = ConcurrentHashMap.newKeySet();
            Runnable unwatch = ctx.getBean(ProgressBus.class).watchAll(u -> {
                String event = u.path("event").asString("");
                String step = u.path("step").asString("");
                long now = System.nanoTime();
                if (event.equals("step.dispatched")) {
                    dispatched.put(step, now);
                } else if (event.equals("step.succeeded")) {
                    Long t = dispatched.remove(step);
                    if (t != null) {
                        latencies.add(now - t);
                    }
                }
                if (u.path("status").asString("").equals("SUCCEEDED")) {
                    succeeded.add(u.path("sagaId").asString(""));
                }
            });
            // the fleet reads the command topic from its end before the first command goes out
            Awaitility.await("the fleet reads its commands").atMost(Duration.ofMinutes(1)).until(fleet::ready);
            CpuSplit split = CpuSplit.start(infra.postgresDir());
            long t0 = System.nanoTime();
            SagaId id = ctx.getBean(SagaCoordinator.class).submitPlan(LabId.of(run), "generated", plan,
                    FailurePolicy.PAUSE, Saga.Mode.APPLY, "bench");
            try {
                Awaitility.await("saga " + id).atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofMillis(5))
                        .until(() -> succeeded.contains(id.toString()));
            } finally {
                unwatch.run();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Long> parts = split.since();
            double cpu = parts.get("orchestrator") / 1e9;
            // the whole JVM: every part but the PostgreSQL server, which runs apart
            double jvm = parts.entrySet().stream().filter(p -> !p.getKey().equals("PostgreSQL")).mapToLong(Map.Entry::getValue).sum() / 1e9;
            long[] l = sorted(latencies);
            long[] c = sorted(fleet.commandToEvent);
            long[] pub = sorted(fleet.publishedToEvent);
            return new Result(plan.steps().size(), seconds, pct(l, 0.50), pct(l, 0.99), pct(l, 1.0), pct(c, 0.50),
                    pct(c, 0.99), pct(c, 1.0), pct(pub, 0.50), pct(pub, 0.99), pct(pub, 1.0), cpu, jvm, parts);
        }
    }

    /** A sorted copy of a synchronized list that other threads may still be adding to. */
    static long[] sorted(List<Long> values) {
        synchronized (values) {
            return values.stream().mapToLong(Long::longValue).sorted().toArray();
        }
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

}
