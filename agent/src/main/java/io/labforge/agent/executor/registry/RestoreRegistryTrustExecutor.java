package io.labforge.agent.executor.registry;

import io.labforge.agent.exec.Executor;
import io.labforge.agent.exec.Outcome;
import io.labforge.agent.exec.StepContext;
import io.labforge.common.agent.AgentCommand.RestoreRegistryTrust;

/** Undoes a registry-trust step: each CA file as it was, or gone when there was none. */
public final class RestoreRegistryTrustExecutor implements Executor<RestoreRegistryTrust> {

    @Override
    public Class<RestoreRegistryTrust> commandType() {
        return RestoreRegistryTrust.class;
    }

    @Override
    public Outcome check(RestoreRegistryTrust c, StepContext ctx) {
        return RegistryTrust.put(c.previous(), ctx, false, false);
    }

    @Override
    public Outcome apply(RestoreRegistryTrust c, StepContext ctx) {
        return RegistryTrust.put(c.previous(), ctx, true, false);
    }
}
