package io.labforge.agent.executor.docker;

import io.labforge.agent.exec.Apt;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.docker.EnsureDockerInstalled;
import io.labforge.common.messaging.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * R4: Docker from the distribution ({@code docker.io} on Debian and Ubuntu), or nothing when a
 * daemon is already installed. Nothing to undo: a saga never removes Docker (it may hold data).
 */
public final class DockerInstallExecutor implements Executor<EnsureDockerInstalled> {

    @Override
    public Class<EnsureDockerInstalled> commandType() {
        return EnsureDockerInstalled.class;
    }

    static boolean present(StepContext ctx) {
        for (String p : List.of("/usr/bin/dockerd", "/usr/sbin/dockerd", "/usr/local/bin/dockerd")) {
            if (Files.isExecutable(ctx.root().path(p)) || !ctx.root().isReal() && Files.exists(ctx.root().path(p))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Outcome check(EnsureDockerInstalled c, StepContext ctx) {
        return present(ctx) ? Outcome.unchanged("Docker is installed")
                : Outcome.of(true, "+ install docker.io from the distribution", Json.object().put("installed", false));
    }

    @Override
    public Outcome apply(EnsureDockerInstalled c, StepContext ctx) {
        if (present(ctx)) {
            return Outcome.of(false, "Docker is installed", Json.object().put("installed", false));
        }
        if (!ctx.root().isReal()) {
            return Outcome.of(true, "install of docker.io skipped: the agent's root is " + ctx.root().dir() + ", not /",
                    Json.object().put("installed", false));
        }
        Apt.install("docker.io", "Docker", ctx);
        if (Apt.systemd()) {
            ctx.processes().require(List.of("systemctl", "enable", "--now", "docker"), Duration.ofMinutes(3), ctx.progress());
        }
        return Outcome.of(true, "+ docker.io installed from the distribution", Json.object().put("installed", true));
    }
}
