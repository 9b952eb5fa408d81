package io.labforge.orchestrator.plan.swarm;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.swarm.DescribeSwarm;
import io.labforge.common.lab.swarm.SwarmSpec;
import io.labforge.orchestrator.planner.FeatureStatus;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.planner.PlanBuilder;
import io.labforge.orchestrator.planner.Planner;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/** The swarm as its first manager sees it, through cluster-service: nodes, then services running/desired. */
public final class SwarmStatus implements FeatureStatus {
    @Override
    public String name() {
        return "swarm";
    }

    @Override
    public Plan describe(Lab lab) {
        SwarmSpec sw = SwarmSpec.of(lab);
        if (sw == null) {
            throw new IllegalArgumentException("lab " + lab.name() + " has no swarm");
        }
        String target = ClusterCommand.TARGET;
        String endpoint = ClusterServiceSteps.engineApi(lab, lab.requireHost(sw.firstManager()));
        return Planner.of(lab, plan -> plan.step(PlanBuilder.id("describe-swarm", target), target, new DescribeSwarm(lab.name(), endpoint)).add());
    }

    @Override
    public boolean builtBy(String stepId) {
        return stepId.startsWith("swarm-init@");
    }

    @Override
    public String table(JsonNode out) {
        StringBuilder b = new StringBuilder(String.format("%-12s %-8s %-8s %-12s%n", "NODE", "ROLE", "STATE", "AVAILABILITY"));
        out.get("nodes").forEach(n -> b.append(String.format("%-12s %-8s %-8s %-12s%s%n", n.get("hostname").asString(),
                n.get("role").asString(), n.get("state").asString(), n.get("availability").asString(),
                n.get("leader").asBoolean() ? " leader" : "")));
        b.append(String.format("%n%-20s %-9s %s%n", "SERVICE", "RUNNING", "IMAGE"));
        out.get("services").forEach(s -> {
            long running = s.get("running").asLong();
            long desired = s.get("desired").asLong();
            b.append(String.format("%-20s %-9s %s%s%n", s.get("name").asString(), running + "/" + desired, s.get("image").asString(),
                    running < desired ? "   (converging)" : ""));
        });
        return b.toString().lines().map(String::stripTrailing).collect(Collectors.joining("\n", "", "\n"));
    }
}
