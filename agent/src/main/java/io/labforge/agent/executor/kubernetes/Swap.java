package io.labforge.agent.executor.kubernetes;

import io.labforge.agent.exec.Apt;
import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.StepContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The host's swap: what is active ({@code /proc/swaps}) and systemd's swap units. */
final class Swap {
    static final Duration QUICK = Duration.ofSeconds(30);

    private Swap() {
    }

    /** The active swap areas (files or devices), from {@code /proc/swaps}. */
    static List<String> active(StepContext ctx) {
        List<String> out = new ArrayList<>();
        Files2.read(ctx.root().path("/proc/swaps")).orElse("").lines().skip(1).forEach(l -> {
            String[] f = l.strip().split("\\s+");
            if (!f[0].isEmpty()) {
                out.add(f[0]);
            }
        });
        return out;
    }

    /** The swap units systemd knows that are not masked (none without systemd, or under a test root). */
    static List<String> unmaskedUnits(StepContext ctx) {
        if (!ctx.root().isReal() || !Apt.systemd()) {
            return List.of();
        }
        String listed = ctx.processes().query(List.of("systemctl", "list-units", "--type=swap", "--all", "--plain", "--no-legend"), QUICK);
        List<String> units = new ArrayList<>();
        listed.lines().forEach(l -> {
            String[] f = l.strip().split("\\s+");
            if (f.length >= 2 && f[0].endsWith(".swap") && !f[1].equals("masked")) {
                units.add(f[0]);
            }
        });
        return units;
    }

    static void systemctl(StepContext ctx, String verb, List<String> units) {
        if (!units.isEmpty()) {
            List<String> argv = new ArrayList<>(List.of("systemctl", verb));
            argv.addAll(units);
            ctx.processes().require(argv, QUICK, ctx.progress());
        }
    }

    static void daemonReload(StepContext ctx) {
        if (ctx.root().isReal() && Apt.systemd()) {
            ctx.processes().require(List.of("systemctl", "daemon-reload"), QUICK, ctx.progress());
        }
    }
}
