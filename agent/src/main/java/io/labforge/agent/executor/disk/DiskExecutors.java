package io.labforge.agent.executor.disk;

import io.labforge.common.exec.Executor;
import java.util.List;

/** Disks (R3): the agent's executors of this feature. */
public final class DiskExecutors {
    private DiskExecutors() {
    }

    public static List<Executor<?>> all() {
        return List.of(
                new DiskExecutor(),
                new RemoveDiskExecutor());
    }
}
