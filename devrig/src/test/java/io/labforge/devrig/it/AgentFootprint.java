package io.labforge.devrig.it;

import io.labforge.common.features.Features;
import io.labforge.common.lab.Lab;
import io.labforge.devrig.labhosts.Cmd;
import io.labforge.orchestrator.bootstrap.HostBootstrap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./labforge bench agent [--jar FILE] [--java-options "OPTIONS"] [--runs N]}: the agent's footprint on a
 * lab-host container (Debian 12, Java 17, systemd), installed as users install it ({@code hosts bootstrap}
 * over SSH), against an orchestrator and Kafka on this machine. Prints the jar's size; for each start
 * ({@code systemctl start}), the wall time from the start to the announcement reaching the orchestrator
 * and the JVM's CPU time by then, first without the agent's class-data archive (the first start of a jar, which
 * records it), then with it; and its memory at rest (RSS and PSS, 20 s after the last start).
 *
 * <p>{@code --jar} runs another build of the agent in the same place (an earlier version's jar, to compare),
 * {@code --java-options} other JVM settings (in place of {@code HostBootstrap.JVM_OPTIONS}): both through a
 * systemd drop-in that replaces the unit's {@code ExecStart}. The drop-in passes the configuration file in the form both the Spring Boot agent of
 * earlier versions and today's read ({@code --spring.config.additional-location=file:…}).
 */
public final class AgentFootprint {
    static final String HOST = "bench1";
    static final String UNIT = "labforge-agent";

    private AgentFootprint() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = null;
        String javaOptions = null;
        int runs = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--java-options" -> javaOptions = args[++i];
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + ": give --jar FILE, --java-options \"…\", --runs N");
            }
        }
        Path built = Files.exists(Path.of("agent", "target", "labforge-agent-exec.jar")) ? Path.of("agent", "target", "labforge-agent-exec.jar")
                : Path.of("..", "agent", "target", "labforge-agent-exec.jar");
        Lab lab = Features.PARSER.parse("""
                apiVersion: labforge/v1
                kind: Lab
                name: agent-bench
                hosts:
                  - {name: bench1, address: 10.79.0.11}
                """, "agent-bench");
        Path dir = Files.createTempDirectory("labforge-agent-bench");
        try (LabHostsFixture f = new LabHostsFixture("the agent benchmark", lab, dir)) {
            long t = System.nanoTime();
            f.up(Duration.ofMinutes(3), true).services(f.local.gateway());
            System.out.printf("lab host and services up in %.1fs%n", (System.nanoTime() - t) / 1e9);
            f.bootstrapper(built).all(List.<String[]>of(new String[] {HOST, "10.79.0.11"})).forEach(o -> {
                if (!o.ok()) {
                    throw new IllegalStateException("bootstrap of " + o.host() + " failed: " + o.detail());
                }
            });
            awaitAnnounced(f, Instant.EPOCH, Duration.ofMinutes(2));
            String container = f.local.container(lab.hosts().get(0));
            Path measured = built;
            if (jar != null || javaOptions != null) {
                measured = jar != null ? jar : built;
                dropIn(f, container, jar, javaOptions);
            }
            String execStart = f.on(HOST, "systemctl", "show", "-p", "ExecStart", "--value", UNIT).strip();
            System.out.println("agent jar: " + measured + String.format(Locale.ROOT, " (%.1f MB)", Files.size(measured) / 1e6));
            System.out.println("unit runs: " + execStart.replaceAll(".*argv\\[\\]=([^;]*);.*", "$1").strip());
            // the first start of a jar has no class-data archive yet: it records one as it stops (see HostBootstrap.EXEC_START)
            f.on(HOST, "systemctl", "stop", UNIT);
            f.on(HOST, "sh", "-c", "rm -f /var/lib/labforge-agent/agent-*.jsa");
            Instant firstBefore = Instant.now();
            f.on(HOST, "systemctl", "start", UNIT);
            double[] first = {Duration.between(firstBefore, awaitAnnounced(f, firstBefore, Duration.ofMinutes(2))).toNanos() / 1e9, cpuSeconds(f)};
            System.out.printf(Locale.ROOT, "first start, no class-data archive yet: announced %.2fs after systemctl start; JVM CPU by then %.2fs%n",
                    first[0], first[1]);
            List<double[]> starts = new ArrayList<>();
            for (int i = 1; i <= runs; i++) {
                f.on(HOST, "systemctl", "stop", UNIT);
                Instant before = Instant.now();
                f.on(HOST, "systemctl", "start", UNIT);
                Instant announced = awaitAnnounced(f, before, Duration.ofMinutes(2));
                double wall = Duration.between(before, announced).toNanos() / 1e9;
                double cpu = cpuSeconds(f);
                double process = Duration.between(processStart(f), announced).toNanos() / 1e9;
                starts.add(new double[] {wall, cpu, process});
                System.out.printf(Locale.ROOT, "start %d: announced %.2fs after systemctl start (%.2fs after systemd started the process); JVM CPU by then %.2fs%n",
                        i, wall, process, cpu);
            }
            Thread.sleep(20_000);
            String pid = pid(f);
            String status = f.on(HOST, "cat", "/proc/" + pid + "/status");
            String rollup = f.on(HOST, "cat", "/proc/" + pid + "/smaps_rollup");
            double rss = kb(status, "VmRSS:") / 1024.0;
            double pss = kb(rollup, "Pss:") / 1024.0;
            long threads = kb(status, "Threads:");
            double[] median = median(starts);
            System.out.println("memory at rest by mapping (RSS): " + rssByMapping(f.on(HOST, "cat", "/proc/" + pid + "/smaps")));
            if (execStart.contains("class+load")) {
                classHistogram(f, execStart);
            }
            if (execStart.contains("PrintNMTStatistics")) {
                // where the memory went, by the JVM's own account, printed as it stops (the hosts' JRE has no jcmd)
                f.on(HOST, "systemctl", "stop", UNIT);
                String journal = f.on(HOST, "journalctl", "-u", UNIT, "-n", "400", "--no-pager", "-o", "cat");
                System.out.println(journal.substring(Math.max(0, journal.lastIndexOf("Native Memory Tracking:"))));
            }
            java.util.regex.Matcher jfr = java.util.regex.Pattern.compile("StartFlightRecording[^ ]*filename=([^ ,;']+)").matcher(execStart);
            if (jfr.find()) {
                // a flight recording of the last start, written as the JVM stops, copied out of the host (jfr print … reads it)
                f.on(HOST, "systemctl", "stop", UNIT);
                Path copy = Path.of("devrig", "target", "agent-start.jfr").toAbsolutePath();
                Cmd.require(List.of("docker", "cp", container + ":" + jfr.group(1), copy.toString()), 60);
                System.out.println("flight recording of the last start: " + copy);
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "%-44s %s%n", "agent jar", String.format(Locale.ROOT, "%.1f MB", Files.size(measured) / 1e6));
            System.out.printf(Locale.ROOT, "%-44s %.2f s, CPU %.2f s%n", "first start of a jar (records its archive)", first[0], first[1]);
            System.out.printf(Locale.ROOT, "%-44s %.2f s (median of %d)%n", "start → announcement (wall)", median[0], runs);
            System.out.printf(Locale.ROOT, "%-44s %.2f s (median of %d)%n", "… from the process's start (systemd's)", median[2], runs);
            System.out.printf(Locale.ROOT, "%-44s %.2f s (median of %d)%n", "CPU of the JVM by its announcement", median[1], runs);
            System.out.printf(Locale.ROOT, "%-44s %.1f MB RSS, %.1f MB PSS, %d threads%n", "memory at rest (20 s after its start)", rss, pss,
                    threads);
            System.out.println("measured " + Instant.now() + " on " + Runtime.getRuntime().availableProcessors() + " cores");
        }
    }

    /**
     * Replaces the unit's command with one for another jar and/or other JVM options, its class-data archive kept (the
     * file goes in with docker cp: no shell). The configuration file is passed in the form both the Spring Boot agent of
     * earlier versions and today's read.
     */
    static void dropIn(LabHostsFixture f, String container, Path jar, String javaOptions) throws Exception {
        String exec = execStart(f);
        if (jar != null) {
            String target = "/opt/labforge/labforge-agent-bench.jar";
            Cmd.require(List.of("docker", "cp", jar.toAbsolutePath().toString(), container + ":" + target), 60);
            exec = exec.replace(HostBootstrap.JAR, target);
        }
        if (javaOptions != null) {
            exec = exec.replace(HostBootstrap.JVM_OPTIONS, javaOptions);
        }
        exec = exec.replace("--config=", "--spring.config.additional-location=file:");
        Path conf = Files.createTempFile("bench", ".conf");
        Files.writeString(conf, "[Service]\nExecStart=\n" + exec + "\n");
        f.on(HOST, "mkdir", "-p", "/etc/systemd/system/" + UNIT + ".service.d");
        Cmd.require(List.of("docker", "cp", conf.toString(), container + ":/etc/systemd/system/" + UNIT + ".service.d/bench.conf"), 60);
        f.on(HOST, "systemctl", "daemon-reload");
    }

    /**
     * With {@code -Xlog:class+load:file=FILE} among the options: the classes the agent loaded, counted by
     * package (three levels) and by where they came from (the JDK's shared archive, the JDK, the jar).
     */
    static void classHistogram(LabHostsFixture f, String execStart) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("class\\+load[^ ]*:file=([^ ;:]+)").matcher(execStart);
        if (!m.find()) {
            return;
        }
        String log = f.on(HOST, "cat", m.group(1));
        // the log itself too (with -Xlog's uptime decoration it is a timeline of the start)
        Path copy = Path.of("devrig", "target", "agent-class-load.log").toAbsolutePath();
        try {
            Files.writeString(copy, log);
            System.out.println("class-load log of the last start: " + copy);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        java.util.Map<String, Integer> byPackage = new java.util.TreeMap<>();
        java.util.Map<String, Integer> bySource = new java.util.TreeMap<>();
        for (String line : log.lines().toList()) {
            java.util.regex.Matcher c = java.util.regex.Pattern.compile("\\] (\\S+) source: (.*)$").matcher(line);
            if (!c.find()) {
                continue;
            }
            String[] parts = c.group(1).split("\\.");
            String pkg = String.join(".", Arrays.copyOf(parts, Math.min(3, parts.length - 1)));
            byPackage.merge(pkg, 1, Integer::sum);
            String src = c.group(2).contains("shared") ? "JDK's shared archive" : c.group(2).startsWith("jrt:") ? "JDK" : "the agent's jar";
            bySource.merge(src, 1, Integer::sum);
        }
        System.out.println("classes loaded, by source: " + bySource);
        byPackage.entrySet().stream().sorted(java.util.Map.Entry.<String, Integer>comparingByValue().reversed()).limit(15)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %6d  %s%n", e.getValue(), e.getKey()));
    }

    /**
     * Where the resident memory is, from {@code /proc/PID/smaps}: by file mapped (the JVM's library, the class-data
     * archives, the jar) and the rest as anonymous memory (heap, metaspace, code, stacks, malloc), largest first.
     */
    static String rssByMapping(String smaps) {
        java.util.Map<String, Long> kb = new java.util.HashMap<>();
        String mapping = "?";
        for (String line : smaps.lines().toList()) {
            String[] w = line.trim().split("\\s+");
            if (w.length >= 5 && w[0].matches("[0-9a-f]+-[0-9a-f]+")) {
                mapping = w.length >= 6 ? Path.of(w[5]).getFileName() == null ? w[5] : Path.of(w[5]).getFileName().toString() : "anonymous";
            } else if (w[0].equals("Rss:")) {
                kb.merge(mapping, Long.parseLong(w[1]), Long::sum);
            }
        }
        return kb.entrySet().stream().filter(e -> e.getValue() >= 512).sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> String.format(Locale.ROOT, "%s %.1f MB", e.getKey(), e.getValue() / 1024.0)).collect(java.util.stream.Collectors.joining(", "));
    }

    /**
     * When systemd started the agent's process (the unit's {@code ExecMainStartTimestamp}, to the microsecond): the
     * start without the benchmark's own {@code docker exec} of {@code systemctl start} (about a tenth of a second here).
     */
    static Instant processStart(LabHostsFixture f) {
        String v = f.on(HOST, "systemctl", "show", "-p", "ExecMainStartTimestamp", "--timestamp=us+utc", "--value", UNIT).strip();
        // e.g. "Thu 2026-12-03 03:10:00.123456 UTC"
        return java.time.LocalDateTime.parse(v.substring(v.indexOf(' ') + 1, v.lastIndexOf(' ')).replace(' ', 'T')).toInstant(java.time.ZoneOffset.UTC);
    }

    /** The ExecStart line of the unit bootstrap wrote. */
    static String execStart(LabHostsFixture f) {
        String unit = f.on(HOST, "cat", "/etc/systemd/system/" + UNIT + ".service");
        return unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
    }

    static Instant awaitAnnounced(LabHostsFixture f, Instant after, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<Timestamp> at = f.h.jdbc().queryForList("SELECT announced_at FROM host WHERE lab_host = ? AND announced_at > ?", Timestamp.class,
                    HOST, Timestamp.from(after));
            if (!at.isEmpty()) {
                return at.get(0).toInstant();
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the agent did not announce itself within " + timeout.toSeconds() + "s: journalctl -u " + UNIT
                + " on the host");
    }

    static String pid(LabHostsFixture f) {
        return f.on(HOST, "systemctl", "show", "-p", "MainPID", "--value", UNIT).strip();
    }

    /** utime + stime of the agent's JVM, in seconds (clock ticks of 1/100 s). */
    static double cpuSeconds(LabHostsFixture f) {
        String stat = f.on(HOST, "cat", "/proc/" + pid(f) + "/stat");
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    static long kb(String text, String key) {
        return text.lines().filter(l -> l.startsWith(key)).findFirst().map(l -> Long.parseLong(l.substring(key.length()).strip().split("\\s+")[0]))
                .orElseThrow(() -> new IllegalStateException("no " + key + " in " + text));
    }

    static double[] median(List<double[]> rows) {
        double[] out = new double[rows.get(0).length];
        for (int c = 0; c < out.length; c++) {
            final int col = c;
            double[] v = rows.stream().mapToDouble(r -> r[col]).sorted().toArray();
            out[c] = v[v.length / 2];
        }
        return out;
    }
}
