package io.labforge.agent.executor.host;

import io.labforge.common.exec.Executor;
import java.util.List;

/** Host basics (R1): the agent's executors of this feature. */
public final class HostExecutors {
    private HostExecutors() {
    }

    public static List<Executor<?>> all() {
        return List.of(
                new HostnameExecutor(),
                new RestoreHostnameExecutor(),
                new HostsFileExecutor(),
                new RestoreHostsEntriesExecutor());
    }
}
