package io.labforge.agent.executor.registry;

import io.labforge.common.exec.Executor;
import java.util.List;

/** Registries (R6, R19): the agent's executors of this feature. */
public final class RegistryExecutors {
    private RegistryExecutors() {
    }

    public static List<Executor<?>> all() {
        return List.of(
                new RegistryTrustExecutor(),
                new RestoreRegistryTrustExecutor(),
                new RegistryExecutor(),
                new RegistryExecutor.Restore());
    }
}
