package io.labforge.agent.exec;

import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Restarts a system service the way the host runs its services. */
public final class Services {
    private Services() {
    }

    /**
     * Restarts {@code unit}; returns what was done, for the diff. Under a test root nothing runs on
     * the machine and the text says so.
     */
    public static String restart(String unit, StepContext ctx) {
        if (!ctx.root().isReal()) {
            return "restart of " + unit + " skipped: the agent's root is " + ctx.root().dir() + ", not /";
        }
        if (Files.isDirectory(Path.of("/run/systemd/system"))) {
            ctx.processes().require(List.of("systemctl", "restart", unit), Duration.ofMinutes(3), ctx.progress());
            return "systemctl restart " + unit;
        }
        if (ProcessRunner.onPath("service")) {
            ctx.processes().require(List.of("service", unit, "restart"), Duration.ofMinutes(3), ctx.progress());
            return "service " + unit + " restart";
        }
        throw new ExecutorException("cannot restart " + unit + ": this host has neither systemd nor service(8)", false);
    }
}
