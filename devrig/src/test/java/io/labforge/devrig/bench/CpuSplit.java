package io.labforge.devrig.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the benchmark's CPU time went, by part: the orchestrator's own threads, the simulated hosts, the Kafka
 * broker, the Kafka clients' network threads, the JVM's compiler and collector threads, the rest of the process's
 * CPU (the JVM's other threads, and threads that ended during the run) and the PostgreSQL server (its processes, read from {@code /proc}). Everything runs
 * on this machine, so a figure per step says what each part costs a step here.
 */
final class CpuSplit {
    static final List<String> PARTS = List.of("orchestrator", "simulated hosts", "Kafka broker", "Kafka clients", "other Java threads",
            "JIT", "GC", "rest of the JVM", "PostgreSQL");

    private final Path postgresDir;
    private final Map<Long, Long> threadsBefore;
    private final long processBefore;
    private final long postgresBefore;
    private final Map<String, Long> jvmBefore;

    private CpuSplit(Path postgresDir, Map<Long, Long> threads, long process, long postgres, Map<String, Long> jvm) {
        this.postgresDir = postgresDir;
        this.threadsBefore = threads;
        this.processBefore = process;
        this.postgresBefore = postgres;
        this.jvmBefore = jvm;
    }

    static CpuSplit start(Path postgresDir) {
        return new CpuSplit(postgresDir, threads(new LinkedHashMap<>()), processCpu(), postgresCpu(postgresDir), jvmThreads());
    }

    /** Nanoseconds of CPU by part since {@link #start}. */
    Map<String, Long> since() {
        Map<String, Long> out = new LinkedHashMap<>();
        PARTS.forEach(p -> out.put(p, 0L));
        Map<Long, String> now = new LinkedHashMap<>();
        long javaThreads = 0;
        for (Map.Entry<Long, Long> e : threads(now).entrySet()) {
            long used = e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0L);
            javaThreads += used;
            out.merge(part(now.get(e.getKey())), used, Long::sum);
        }
        // the JVM's own threads (no Java thread stands for them) by their names in /proc; the remainder is the rest of
        // the JVM's and threads that ended during the run
        Map<String, Long> jvm = jvmThreads();
        long own = 0;
        for (String part : List.of("JIT", "GC")) {
            long used = jvm.getOrDefault(part, 0L) - jvmBefore.getOrDefault(part, 0L);
            own += used;
            out.put(part, used);
        }
        out.put("rest of the JVM", Math.max(0, processCpu() - processBefore - javaThreads - own));
        out.put("PostgreSQL", postgresCpu(postgresDir) - postgresBefore);
        return out;
    }

    /** "part 0.12, …" in milliseconds per step. */
    static String perStep(Map<String, Long> nanos, int steps) {
        StringBuilder b = new StringBuilder();
        nanos.forEach((part, n) -> b.append(b.isEmpty() ? "" : ", ").append(part).append(' ')
                .append(String.format(Locale.ROOT, "%.3f", n / 1e6 / steps)));
        return b.toString();
    }

    static String part(String thread) {
        if (Benchmark.ORCHESTRATOR_THREADS.contains(thread)) {
            return "orchestrator";
        }
        if (thread.startsWith("sim-host-") || thread.equals("simulated-fleet")) {
            return "simulated hosts";
        }
        if (thread.startsWith("kafka-producer-network-thread") || thread.startsWith("kafka-admin-client-thread")) {
            return "Kafka clients";
        }
        if (thread.startsWith("data-plane-kafka") || thread.startsWith("kafka-") || thread.startsWith("quorum-controller")
                || thread.startsWith("group-coordinator") || thread.startsWith("broker-") || thread.startsWith("controller-")
                || thread.startsWith("ReplicaFetcher") || thread.startsWith("ExpirationReaper") || thread.startsWith("executor-")
                || thread.startsWith("raft-") || thread.startsWith("LogDirFailureHandler") || thread.startsWith("transaction-")
                || thread.startsWith("share-") || thread.startsWith("ThrottledChannelReaper") || thread.startsWith("DelayedExecutor")) {
            return "Kafka broker";
        }
        return "other Java threads";
    }

    private static Map<Long, Long> threads(Map<Long, String> names) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Long, Long> out = new LinkedHashMap<>();
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null) {
                long cpu = mx.getThreadCpuTime(t.getThreadId());
                if (cpu >= 0) {
                    out.put(t.getThreadId(), cpu);
                    names.put(t.getThreadId(), t.getThreadName());
                }
            }
        }
        return out;
    }

    /** CPU of the JVM's compiler and collector threads ({@code /proc/self/task/TID/stat}: comm, utime, stime), by part. */
    private static Map<String, Long> jvmThreads() {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String part = comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler") ? "JIT"
                            : comm.startsWith("G1 ") || comm.startsWith("GC Thread") ? "GC" : null;
                    if (part != null) {
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        out.merge(part, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L, Long::sum);
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The CPU of the PostgreSQL server and its backends ({@code /proc/PID/stat}: utime and stime, in clock ticks of 10 ms). */
    private static long postgresCpu(Path dataDir) {
        long server;
        try {
            server = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        long ticks = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long pid = Long.parseLong(p.getFileName().toString());
                    if (pid == server || Long.parseLong(f[1]) == server) {
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
                    }
                } catch (IOException | RuntimeException e) {
                    // the process ended
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks * 10_000_000L;
    }
}
