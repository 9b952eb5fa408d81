package io.labforge.orchestrator.plan.swarm;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.swarm.ScaleService;
import io.labforge.common.lab.swarm.SwarmService;
import io.labforge.common.lab.swarm.SwarmSpec;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.planner.PlanBuilder;
import io.labforge.orchestrator.planner.Planner;
import java.time.Duration;

/** A one-step plan on a lab applied before: {@code labforge swarm scale} ({@code swarm status}: {@link SwarmStatus}). */
public final class SwarmPlans {
    private SwarmPlans() {
    }

    /** A service's replicas through cluster-service; the undo scales back to what it found. */
    public static Plan scale(Lab lab, String service, int replicas) {
        SwarmSpec sw = SwarmSpec.of(lab);
        if (sw == null || sw.services().stream().noneMatch(s -> s.name().equals(service))) {
            throw new IllegalArgumentException("lab " + lab.name() + " has no swarm service '" + service + "'"
                    + (sw == null ? "" : ": it has " + sw.services().stream().map(SwarmService::name).toList()));
        }
        if (replicas < 0 || replicas > 1000) {
            throw new IllegalArgumentException("replicas must be between 0 and 1000, not " + replicas);
        }
        String endpoint = engineApi(lab);
        String target = ClusterCommand.TARGET;
        return Planner.of(lab, plan -> plan.step(PlanBuilder.id("scale", service, target), target,
                        new ScaleService(lab.name(), endpoint, service, replicas))
                .timeout(Duration.ofMinutes(5))
                .undo(self -> new ScaleService(lab.name(), endpoint, service, 0))
                .undoFrom("replicas", ScaleService.PREVIOUS)
                .add());
    }

    private static String engineApi(Lab lab) {
        SwarmSpec sw = SwarmSpec.of(lab);
        if (sw == null) {
            throw new IllegalArgumentException("lab " + lab.name() + " has no swarm");
        }
        return ClusterServiceSteps.engineApi(lab, lab.requireHost(sw.firstManager()));
    }
}
