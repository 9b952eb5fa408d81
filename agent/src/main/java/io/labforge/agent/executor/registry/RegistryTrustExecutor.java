package io.labforge.agent.executor.registry;

import io.labforge.agent.exec.Executor;
import io.labforge.agent.exec.Outcome;
import io.labforge.agent.exec.StepContext;
import io.labforge.common.agent.AgentCommand.TrustRegistries;

/** R6, R19: the host's Docker trusts these registries' CAs. */
public final class RegistryTrustExecutor implements Executor<TrustRegistries> {

    @Override
    public Class<TrustRegistries> commandType() {
        return TrustRegistries.class;
    }

    @Override
    public Outcome check(TrustRegistries c, StepContext ctx) {
        return RegistryTrust.put(c.registries(), ctx, false, true);
    }

    @Override
    public Outcome apply(TrustRegistries c, StepContext ctx) {
        return RegistryTrust.put(c.registries(), ctx, true, true);
    }
}
