package io.labforge.devrig.bench;

import io.labforge.common.features.Features;
import io.labforge.common.lab.Lab;
import io.labforge.orchestrator.plan.Planners;
import io.labforge.orchestrator.planner.Plan;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./labforge bench plan} (not a test): how long reading, validating and planning a class lab takes, and
 * the heap it needs, for N hosts of the class role (hostname, every host in /etc/hosts, firewall, Docker's
 * daemon.json). Each size runs in a JVM of its own capped at {@code --heap} (512 MB: the target), three times
 * after a warm-up; the figures are the median.
 */
@Command(name = "labforge-bench-plan", mixinStandardHelpOptions = true, description = "Planning time and heap for class labs of N hosts.")
public final class PlanningBenchmark implements Callable<Integer> {
    @Option(names = "--hosts", split = ",", defaultValue = "1000,2000,5000", description = "host counts (default 1000,2000,5000)")
    int[] hosts;
    @Option(names = "--heap", defaultValue = "512m", description = "each run's -Xmx (default 512m)")
    String heap;

    public static void main(String[] args) {
        if (args.length == 2 && args[0].equals("--child")) {
            child(Path.of(args[1]));
            return;
        }
        System.exit(new CommandLine(new PlanningBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("labforge-bench-plan");
        System.out.printf("%n%7s %7s %12s %12s %14s%n", "hosts", "steps", "read (ms)", "plan (ms)", "heap after (MB)");
        for (int n : hosts) {
            Path lab = dir.resolve("class-" + n + ".yaml");
            Files.writeString(lab, classLab(n));
            List<long[]> runs = new ArrayList<>();
            String failed = null;
            for (int i = 0; i < 3 && failed == null; i++) {
                Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
                        "-cp", classPath(), PlanningBenchmark.class.getName(), "--child", lab.toString())
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes()).strip();
                if (p.waitFor() != 0) {
                    failed = out.lines().filter(l -> l.contains("Error") || l.contains("Exception")).findFirst().orElse(out);
                } else {
                    String[] f = out.lines().reduce((a, b) -> b).orElseThrow().split(" ");
                    runs.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])});
                }
            }
            if (failed != null) {
                System.out.printf("%7d  failed within -Xmx%s: %s%n", n, heap, failed);
                continue;
            }
            System.out.printf("%7d %7d %12d %12d %14d%n", n, runs.get(0)[0], median(runs, 1), median(runs, 2), median(runs, 3));
        }
        System.out.printf("each a JVM of its own with -Xmx%s; median of 3 after a warm-up in the same JVM; measured %s on %d cores%n", heap,
                Instant.now(), Runtime.getRuntime().availableProcessors());
        return 0;
    }

    /** In the capped JVM: one warm-up, then read and plan once; prints "steps readMs planMs heapMB". */
    private static void child(Path file) {
        try {
            String yaml = Files.readString(file);
            Planners.all().plan(Features.PARSER.parse(yaml, file.toString()));
            long t0 = System.nanoTime();
            Lab lab = Features.PARSER.parse(yaml, file.toString());
            long t1 = System.nanoTime();
            Plan plan = Planners.all().plan(lab);
            long t2 = System.nanoTime();
            System.gc();
            long heapMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
            System.out.println(plan.steps().size() + " " + (t1 - t0) / 1_000_000 + " " + (t2 - t1) / 1_000_000 + " " + heapMb);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This class's classpath: under {@code mvn exec:java} it is the plugin's class loader's, not java.class.path. */
    private static String classPath() {
        if (PlanningBenchmark.class.getClassLoader() instanceof URLClassLoader u) {
            List<String> paths = new ArrayList<>();
            for (URL url : u.getURLs()) {
                try {
                    paths.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }
            return String.join(File.pathSeparator, paths);
        }
        return System.getProperty("java.class.path");
    }

    private static long median(List<long[]> runs, int column) {
        return runs.stream().mapToLong(r -> r[column]).sorted().toArray()[runs.size() / 2];
    }

    /** A class of {@code n} student hosts, as examples/class-300.yaml. */
    static String classLab(int n) {
        StringBuilder y = new StringBuilder("apiVersion: labforge/v1\nkind: Lab\nname: class" + n + "\ndomain: class.test\nonFailure: pause\n"
                + "roles:\n  student:\n    firewall:\n      ports: [22/tcp, 80/tcp, 9323/tcp]\n    docker:\n      metrics-addr: 0.0.0.0:9323\n"
                + "hosts:\n");
        for (int i = 0; i < n; i++) {
            int a = i + 3;
            y.append("  - {name: s").append(String.format("%05d", i + 1)).append(", address: 10.").append(80 + a / 65536).append('.')
                    .append(a / 256 % 256).append('.').append(a % 256).append(", roles: [student]}\n");
        }
        return y.toString();
    }
}
