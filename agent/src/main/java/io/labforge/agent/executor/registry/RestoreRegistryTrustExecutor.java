package io.labforge.agent.executor.registry;

import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.registry.RestoreRegistryTrust;

/** Undoes a registry-trust step: each CA file as it was, or gone when there was none. */
public final class RestoreRegistryTrustExecutor extends DiffingExecutor<RestoreRegistryTrust> {

    @Override
    public Class<RestoreRegistryTrust> commandType() {
        return RestoreRegistryTrust.class;
    }

    @Override
    protected Outcome run(RestoreRegistryTrust c, StepContext ctx, boolean apply) {
        return RegistryTrust.put(c.previous(), ctx, apply, false);
    }
}
