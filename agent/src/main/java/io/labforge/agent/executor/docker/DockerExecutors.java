package io.labforge.agent.executor.docker;

import io.labforge.common.exec.Executor;
import java.util.List;

/** Docker (R4, R15, R19): the agent's executors of this feature. */
public final class DockerExecutors {
    private DockerExecutors() {
    }

    public static List<Executor<?>> all() {
        return List.of(
                new DockerInstallExecutor(),
                new DockerDaemonExecutor(),
                new RestoreDockerDaemonExecutor());
    }
}
