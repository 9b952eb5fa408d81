package io.labforge.agent.exec;

import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Installs a package from the distribution with apt, non-interactively, its output as progress. */
public final class Apt {
    private Apt() {
    }

    public static void install(String pkg, String why, StepContext ctx) {
        if (!Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            throw ExecutorException.refused(why + " is not installed and this host has no apt-get: install " + pkg + ", then resume");
        }
        Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
        ctx.processes().require(List.of("apt-get", "update", "-q"), env, Duration.ofMinutes(10), ctx.progress());
        ctx.processes().require(List.of("apt-get", "install", "-y", "-q", pkg), env, Duration.ofMinutes(20), ctx.progress());
    }

    /**
     * The installed packages and their versions, from dpkg's status file (under a test root, the file
     * there), read once for all the packages a step asks about.
     */
    public static Map<String, String> installed(StepContext ctx) {
        Map<String, String> installed = new HashMap<>();
        String status = Files2.read(ctx.root().path("/var/lib/dpkg/status")).orElse("");
        for (String stanza : status.split("\n\n")) {
            String name = null;
            String version = null;
            boolean ok = false;
            for (String line : stanza.lines().toList()) {
                if (line.startsWith("Package: ")) {
                    name = line.substring(9).strip();
                } else if (line.startsWith("Version: ")) {
                    version = line.substring(9).strip();
                } else if (line.startsWith("Status: ")) {
                    ok = line.strip().endsWith(" installed");
                }
            }
            if (name != null && version != null && ok) {
                installed.put(name, version);
            }
        }
        return installed;
    }

    /** Whether systemd runs this host (so units can be enabled and restarted). */
    public static boolean systemd() {
        return Files.isDirectory(Path.of("/run/systemd/system")) && ProcessRunner.onPath("systemctl");
    }
}
