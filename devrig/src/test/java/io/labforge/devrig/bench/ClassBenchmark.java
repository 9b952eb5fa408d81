package io.labforge.devrig.bench;

import io.labforge.common.features.Features;
import io.labforge.common.lab.Lab;
import io.labforge.devrig.embedded.EmbeddedServices;
import io.labforge.devrig.labhosts.DirectoryHosts;
import io.labforge.orchestrator.persistence.SagaRepository;
import io.labforge.orchestrator.runtime.LabSubmissions;
import io.labforge.orchestrator.runtime.ProgressBus;
import io.labforge.orchestrator.saga.Saga;
import io.labforge.orchestrator.trust.WorkerIdentities;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./labforge bench class} (not a test): a class at once. {@code --labs} labs of {@code --hosts} directory hosts each
 * (the {@code student} role: hostname, /etc/hosts, firewall, Docker's daemon.json), all their agents in one fleet
 * JVM, submitted together to one orchestrator on embedded PostgreSQL and Kafka, {@code --rounds} times. Prints per
 * round the wall time, each lab's time from submission to its end (min, median, max), when the last lab began
 * against when the first ended (interleaved: no lab waits for another to finish), and the orchestrator process's heap
 * after a full GC once the round's sagas are done (flat when finished sagas are not kept).
 */
@Command(name = "labforge-bench-class", mixinStandardHelpOptions = true, description = "Many labs at once: wall time, per-lab spread, heap.")
public final class ClassBenchmark implements Callable<Integer> {
    @Option(names = "--labs", defaultValue = "30", description = "labs submitted together (default 30)")
    int labs;
    @Option(names = "--hosts", defaultValue = "10", description = "directory hosts per lab (default 10)")
    int hosts;
    @Option(names = "--rounds", defaultValue = "3", description = "times the whole class is submitted (default 3)")
    int rounds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClassBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("labforge-bench-class");
        Path jar = Path.of("..", "agent", "target", "labforge-agent-exec.jar");
        if (!Files.exists(jar)) {
            jar = Path.of("agent", "target", "labforge-agent-exec.jar");
        }
        List<String> sources = new ArrayList<>();
        List<Lab> parsed = new ArrayList<>();
        for (int i = 0; i < labs; i++) {
            String source = lab(i, hosts);
            sources.add(source);
            parsed.add(Features.PARSER.parse(source, "class-" + i + ".yaml"));
        }
        Process fleet = null;
        try (BenchStack stack = BenchStack.start(dir)) {
            EmbeddedServices infra = stack.infra();
            ConfigurableApplicationContext ctx = stack.ctx();
            DirectoryHosts directory = new DirectoryHosts(dir, dir.resolve("orchestrator"));
            List<Lab.Host> all = parsed.stream().flatMap(l -> l.hosts().stream()).toList();
            directory.prepare(all, ctx.getBean(WorkerIdentities.class), "bench", infra.kafkaBootstrapServers());
            long t0 = System.nanoTime();
            fleet = directory.startFleet(jar, all.size());
            SagaRepository repo = ctx.getBean(SagaRepository.class);
            List<String> names = all.stream().map(Lab.Host::name).toList();
            Awaitility.await("the fleet's agents announce themselves").atMost(Duration.ofSeconds(60 + all.size())).pollInterval(Duration.ofMillis(500))
                    .until(() -> repo.hosts(names).stream().filter(r -> r.get("announced_at") != null).count() == names.size());
            System.out.printf("%d labs × %d hosts: %d agents in one fleet JVM announced in %.1f s%n", labs, hosts, all.size(), (System.nanoTime() - t0) / 1e9);
            System.out.printf("%n%6s %9s %16s %16s %16s %22s %16s%n", "round", "wall (s)", "lab min (s)", "lab median (s)", "lab max (s)",
                    "last began/first ended", "heap after (MB)");
            LabSubmissions submissions = ctx.getBean(LabSubmissions.class);
            ProgressBus progress = ctx.getBean(ProgressBus.class);
            boolean allSucceeded = true;
            for (int round = 1; round <= rounds; round++) {
                Map<String, Long> submitted = new ConcurrentHashMap<>();
                Map<String, Long> began = new ConcurrentHashMap<>();
                Map<String, Long> ended = new ConcurrentHashMap<>();
                Map<String, String> status = new ConcurrentHashMap<>();
                CountDownLatch done = new CountDownLatch(labs);
                Runnable stop = progress.watchAll(u -> {
                    String saga = u.path("sagaId").asString();
                    String event = u.path("event").asString("");
                    long now = System.nanoTime();
                    if (event.equals("step.dispatched")) {
                        began.putIfAbsent(saga, now);
                    }
                    String s = u.path("status").asString("");
                    if ((s.equals("SUCCEEDED") || s.equals("FAILED") || s.equals("PAUSED") || s.equals("COMPENSATED"))
                            && ended.putIfAbsent(saga, now) == null) {
                        status.put(saga, s);
                        done.countDown();
                    }
                });
                long start = System.nanoTime();
                for (String source : sources) {
                    submitted.put(submissions.submit(source, Saga.Mode.APPLY, "bench").value().toString(), System.nanoTime());
                }
                if (!done.await(10, TimeUnit.MINUTES)) {
                    System.out.printf("round %d: %d of %d labs did not finish within 10 minutes%n", round, done.getCount(), labs);
                    stop.run();
                    return 1;
                }
                long wall = System.nanoTime() - start;
                stop.run();
                double[] durations = submitted.entrySet().stream().mapToDouble(e -> (ended.get(e.getKey()) - e.getValue()) / 1e9).sorted().toArray();
                long lastBegan = began.values().stream().mapToLong(Long::longValue).max().orElse(0);
                long firstEnded = ended.values().stream().mapToLong(Long::longValue).min().orElse(0);
                System.gc();
                long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
                System.out.printf("%6d %9.1f %16.1f %16.1f %16.1f %22s %16d%n", round, wall / 1e9, durations[0], durations[durations.length / 2],
                        durations[durations.length - 1], String.format("%.1f / %.1f s", (lastBegan - start) / 1e9, (firstEnded - start) / 1e9), heap);
                long failed = status.values().stream().filter(s -> !s.equals("SUCCEEDED")).count();
                if (failed > 0) {
                    System.out.printf("round %d: %d labs did not succeed: %s%n", round, failed, status.values().stream().filter(s -> !s.equals("SUCCEEDED")).toList());
                    allSucceeded = false;
                }
            }
            System.out.printf("heap: of this process (orchestrator and the embedded broker; PostgreSQL and the fleet run apart), after a full GC;"
                    + " measured %s on %d cores%n", Instant.now(), Runtime.getRuntime().availableProcessors());
            return allSucceeded ? 0 : 1;
        } finally {
            if (fleet != null) {
                fleet.destroy();
                fleet.waitFor();
            }
        }
    }

    /** Lab {@code i} of the class: {@code n} hosts of the student role, on a network of its own. */
    static String lab(int i, int n) {
        StringBuilder y = new StringBuilder("apiVersion: labforge/v1\nkind: Lab\nname: class-" + i + "\ndomain: class" + i + ".test\n"
                + "onFailure: pause\nroles:\n  student:\n    firewall:\n      ports: [22/tcp, 80/tcp, 9323/tcp]\n"
                + "    docker:\n      metrics-addr: 0.0.0.0:9323\nhosts:\n");
        for (int j = 0; j < n; j++) {
            y.append("  - {name: c").append(i).append("-h").append(j).append(", address: 10.").append(90 + i / 250).append('.').append(i % 250)
                    .append('.').append(j + 2).append(", roles: [student]}\n");
        }
        return y.toString();
    }

}
