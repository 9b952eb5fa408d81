package io.labforge.orchestrator.plan.registry;

import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.registry.RegistryCa;
import io.labforge.common.lab.registry.RegistryTrust;
import io.labforge.common.lab.registry.RestoreRegistryTrust;
import io.labforge.common.lab.registry.TrustRegistries;
import io.labforge.orchestrator.planner.FeaturePlanner;
import io.labforge.orchestrator.planner.PlanBuilder;
import io.labforge.orchestrator.planner.StepRef;
import java.util.List;

/**
 * R6, R19: the registries a host's Docker trusts as the lab says ({@code registryTrust}); and the same
 * step for the features that run a registry of their own (the swarm's, GitLab's).
 */
public final class RegistryPlanner implements FeaturePlanner {

    @Override
    public boolean needsDocker(Lab lab, Lab.Host host) {
        return !RegistryTrust.of(lab, host).isEmpty();
    }

    @Override
    public void plan(PlanBuilder plan) {
        for (Lab.Host h : plan.lab().hosts()) {
            List<RegistryCa> trust = RegistryTrust.of(plan.lab(), h);
            if (!trust.isEmpty()) {
                trust(plan, PlanBuilder.id("registry-trust", h.name()), h, trust, plan.last(h.name()));
            }
        }
    }

    /**
     * {@code host}'s Docker trusts these registries' CAs ({@code /etc/docker/certs.d}), in the host's chain;
     * the undo puts back what was there.
     */
    public static StepRef<TrustRegistries> trust(PlanBuilder plan, StepId id, Lab.Host host, List<RegistryCa> registries, StepId... after) {
        StepRef<TrustRegistries> step = plan.step(id, host.name(), new TrustRegistries(registries))
                .after(after)
                .undo(self -> new RestoreRegistryTrust(List.of()))
                .undoFrom("previous", TrustRegistries.PREVIOUS)
                .add();
        plan.advance(host.name(), step);
        return step;
    }
}
