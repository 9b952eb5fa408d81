package io.labforge.orchestrator.plan.tls;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.swarm.CreateClientKey;
import io.labforge.orchestrator.planner.PlanBuilder;
import io.labforge.orchestrator.planner.StepRef;

/**
 * cluster-service's client key for the lab (its request answered by the lab's CA for Swarm, by the
 * cluster CA for Kubernetes): one step, planned by whichever feature asks first.
 */
public final class ClusterServiceKey {
    static final StepId ID = PlanBuilder.id("cluster-key", ClusterCommand.TARGET);

    private ClusterServiceKey() {
    }

    public static StepRef<CreateClientKey> of(PlanBuilder plan) {
        return plan.has(ID) ? plan.ref(ID, CreateClientKey.class)
                : plan.step(ID, ClusterCommand.TARGET, new CreateClientKey(plan.lab().name())).add();
    }
}
