package io.labforge.agent.executor.sysctl;

import io.labforge.common.exec.Executor;
import java.util.List;

/** Kernel parameters: the agent's executors of this feature. */
public final class SysctlExecutors {
    private SysctlExecutors() {
    }

    public static List<Executor<?>> all() {
        return List.of(new SetSysctlsExecutor(), new RestoreSysctlsExecutor());
    }
}
