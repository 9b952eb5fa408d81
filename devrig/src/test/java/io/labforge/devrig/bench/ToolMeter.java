package io.labforge.devrig.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** What the side-by-side benchmarks measure of a tool's run: wall time, CPU from /proc and the peak of the summed resident memory. */
final class ToolMeter {
    private ToolMeter() {
    }

    /** Wall seconds, CPU seconds of the given processes, the peak of their summed RSS (MB), and how the run ended. */
    record Figures(double wall, double cpu, long peakMb, String outcome) {
    }

    @FunctionalInterface
    interface Run {
        Object run() throws Exception;
    }

    /**
     * Runs {@code run} (a Labforge apply, returning its status; or a started process, waited for) and samples the summed RSS
     * of {@code pids} and their descendants (or of the process and its descendants) every 100 ms; CPU from /proc for Labforge's.
     */
    static Figures measure(List<Long> pids, Run run) throws Exception {
        return measure(pids, List::of, run);
    }

    /** As {@link #measure(List, Run)}, and the memory of {@code alsoSampled} too: processes looked up again at each sample. */
    static Figures measure(List<Long> pids, Supplier<List<Long>> alsoSampled, Run run) throws Exception {
        AtomicLong peak = new AtomicLong();
        List<Long> watched = new CopyOnWriteArrayList<>(pids);
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                List<Long> all = new ArrayList<>(watched);
                all.addAll(alsoSampled.get());
                peak.accumulateAndGet(rss(all), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        double cpu0 = cpu(pids);
        long t0 = System.nanoTime();
        sampler.start();
        Object r = run.run();
        String outcome;
        if (r instanceof Process p) {
            watched.add(p.pid());
            outcome = "exit " + p.waitFor();
        } else {
            outcome = String.valueOf(r);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        sampler.interrupt();
        sampler.join();
        return new Figures(wall, cpu(pids) - cpu0, peak.get() >> 20, outcome);
    }

    /** The summed RSS in bytes of the processes and all their descendants. */
    static long rss(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            List<Long> tree = new ArrayList<>(List.of(pid));
            ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> tree.add(d.pid())));
            for (long p : tree) {
                try {
                    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p), "status"))) {
                        if (line.startsWith("VmRSS:")) {
                            sum += Long.parseLong(line.replaceAll("\\D", "")) << 10;
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            }
        }
        return sum;
    }

    /** User and system CPU seconds of the processes (utime and stime of /proc/PID/stat, in clock ticks of 1/100 s). */
    static double cpu(List<Long> pids) {
        double sum = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                sum += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
            } catch (IOException | RuntimeException e) {
                // gone
            }
        }
        return sum;
    }
}
