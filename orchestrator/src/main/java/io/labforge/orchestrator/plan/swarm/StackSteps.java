package io.labforge.orchestrator.plan.swarm;

import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.swarm.BuildStack;
import io.labforge.common.lab.swarm.DeployStack;
import io.labforge.common.lab.swarm.RemoveStack;
import io.labforge.common.lab.swarm.SwarmSpec;
import io.labforge.orchestrator.planner.PlanBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * R20: a stack's images built on {@code buildOn} and pushed to the lab's registry, then the stack deployed
 * from the first manager once every node is in the swarm (and trusts the registry) and the nodes'
 * availability is as the lab says. Both steps carry the stack's files.
 */
final class StackSteps {
    private StackSteps() {
    }

    static void plan(PlanBuilder plan, SwarmSpec.Stack stack, Lab.Host manager, List<StepId> members, List<StepId> availability) {
        Lab lab = plan.lab();
        SwarmSpec.Registry registry = SwarmSpec.of(lab).registry();
        Map<String, String> env = new TreeMap<>(stack.env());
        if (registry != null) {
            env.putIfAbsent("REGISTRY", lab.fqdn(lab.requireHost(registry.host())) + ":" + registry.port());
        }
        List<StepId> buildAfter = new ArrayList<>(List.of(plan.last(stack.buildOn())));
        if (registry != null) {
            buildAfter.add(SwarmPlanner.registry(registry.host()));
        }
        StepId build = plan.step(PlanBuilder.id("stack-build", stack.name(), stack.buildOn()), stack.buildOn(),
                        new BuildStack(stack.name(), stack.compose(), stack.files(), env))
                .after(buildAfter)
                .timeout(Duration.ofMinutes(20))
                .add().id();
        List<StepId> deployAfter = new ArrayList<>(members);
        deployAfter.add(build);
        deployAfter.addAll(availability);
        plan.step(PlanBuilder.id("stack", stack.name(), manager.name()), manager.name(),
                        new DeployStack(stack.name(), stack.compose(), stack.files(), env))
                .after(deployAfter)
                .timeout(Duration.ofMinutes(10))
                .undo(self -> new RemoveStack(stack.name(), false))
                .undoFrom("created", DeployStack.CREATED)
                .add();
    }
}
