package io.labforge.agent.executor.registry;

import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.registry.TrustRegistries;

/** R6, R19: the host's Docker trusts these registries' CAs. */
public final class RegistryTrustExecutor extends DiffingExecutor<TrustRegistries> {

    @Override
    public Class<TrustRegistries> commandType() {
        return TrustRegistries.class;
    }

    @Override
    protected Outcome run(TrustRegistries c, StepContext ctx, boolean apply) {
        return RegistryTrust.put(c.registries(), ctx, apply, true);
    }
}
