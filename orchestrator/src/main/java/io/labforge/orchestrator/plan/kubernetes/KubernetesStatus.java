package io.labforge.orchestrator.plan.kubernetes;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.kubernetes.DescribeKubernetes;
import io.labforge.common.lab.kubernetes.KubernetesSpec;
import io.labforge.orchestrator.planner.FeatureStatus;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.planner.PlanBuilder;
import io.labforge.orchestrator.planner.Planner;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * The Kubernetes cluster as its API says it is, through cluster-service (on the credentials the add-ons'
 * steps gave it): nodes ready or not, then each workload's ready over desired replicas.
 */
public final class KubernetesStatus implements FeatureStatus {
    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public Plan describe(Lab lab) {
        KubernetesSpec k = KubernetesSpec.of(lab);
        if (k == null || !k.scope().includes(KubernetesSpec.Scope.CLUSTER) || k.addons().calicoOperator() == null) {
            throw new IllegalArgumentException("lab " + lab.name() + " gives cluster-service no access to a Kubernetes cluster: it reads one "
                    + "that Labforge made (kubernetes: with scope cluster) and networks (calico:)");
        }
        String target = ClusterCommand.TARGET;
        return Planner.of(lab, plan -> plan.step(PlanBuilder.id("describe-kubernetes", target), target, new DescribeKubernetes(lab.name())).add());
    }

    @Override
    public boolean builtBy(String stepId) {
        return stepId.startsWith("k8s-credentials@");
    }

    @Override
    public String table(JsonNode out) {
        StringBuilder b = new StringBuilder(String.format("%-16s %-9s %s%n", "NODE", "READY", "KUBELET"));
        out.get("nodes").forEach(n -> b.append(String.format("%-16s %-9s %s%n", n.get("name").asString(),
                n.get("ready").asBoolean() ? "yes" : "no", n.get("version").asString())));
        b.append(String.format("%n%-16s %-12s %-24s %s%n", "NAMESPACE", "KIND", "NAME", "READY"));
        out.get("workloads").forEach(w -> {
            long ready = w.get("ready").asLong();
            long desired = w.get("desired").asLong();
            b.append(String.format("%-16s %-12s %-24s %s%s%n", w.get("namespace").asString(), w.get("kind").asString(), w.get("name").asString(),
                    ready + "/" + desired, ready < desired ? "   (not ready)" : ""));
        });
        return b.toString().lines().map(String::stripTrailing).collect(Collectors.joining("\n", "", "\n"));
    }
}
