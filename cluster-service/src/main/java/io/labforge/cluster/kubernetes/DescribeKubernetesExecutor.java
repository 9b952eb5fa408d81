package io.labforge.cluster.kubernetes;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.DescribeKubernetes;
import io.labforge.common.messaging.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The cluster as its API says it is: nodes (ready or not, kubelet version), then each workload's ready over desired replicas. */
public final class DescribeKubernetesExecutor implements Executor<DescribeKubernetes> {
    private final ClusterClients clusters;

    public DescribeKubernetesExecutor(ClusterClients clusters) {
        this.clusters = clusters;
    }

    @Override
    public Class<DescribeKubernetes> commandType() {
        return DescribeKubernetes.class;
    }

    @Override
    public Outcome check(DescribeKubernetes c, StepContext ctx) {
        return apply(c, ctx);
    }

    @Override
    public Outcome apply(DescribeKubernetes c, StepContext ctx) {
        KubernetesClient client = clusters.client(c.lab());
        try {
            ObjectNode out = Json.object();
            ArrayNode nodes = out.putArray(DescribeKubernetes.NODES.name());
            for (Node n : client.nodes().list().getItems()) {
                boolean ready = n.getStatus() != null && n.getStatus().getConditions() != null && n.getStatus().getConditions().stream()
                        .anyMatch(x -> "Ready".equals(x.getType()) && "True".equals(x.getStatus()));
                String version = n.getStatus() == null || n.getStatus().getNodeInfo() == null ? "" : n.getStatus().getNodeInfo().getKubeletVersion();
                nodes.addObject().put("name", n.getMetadata().getName()).put("ready", ready).put("version", version == null ? "" : version);
            }
            ArrayNode workloads = out.putArray(DescribeKubernetes.WORKLOADS.name());
            for (Deployment d : client.apps().deployments().inAnyNamespace().list().getItems()) {
                add(workloads, d.getMetadata().getNamespace(), "Deployment", d.getMetadata().getName(),
                        d.getStatus() == null ? null : d.getStatus().getAvailableReplicas(), d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas());
            }
            for (DaemonSet d : client.apps().daemonSets().inAnyNamespace().list().getItems()) {
                add(workloads, d.getMetadata().getNamespace(), "DaemonSet", d.getMetadata().getName(),
                        d.getStatus() == null ? null : d.getStatus().getNumberAvailable(),
                        d.getStatus() == null || d.getStatus().getDesiredNumberScheduled() == null ? 0 : d.getStatus().getDesiredNumberScheduled());
            }
            for (StatefulSet s : client.apps().statefulSets().inAnyNamespace().list().getItems()) {
                add(workloads, s.getMetadata().getNamespace(), "StatefulSet", s.getMetadata().getName(),
                        s.getStatus() == null ? null : s.getStatus().getReadyReplicas(), s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas());
            }
            return Outcome.of(false, nodes.size() + " nodes, " + workloads.size() + " workloads", out);
        } catch (KubernetesClientException e) {
            throw new ExecutorException("the cluster's API refused: " + e.getMessage(), e.getCode() == 0 || e.getCode() >= 500, e);
        }
    }

    private static void add(ArrayNode to, String namespace, String kind, String name, Integer ready, int desired) {
        to.addObject().put("namespace", namespace).put("kind", kind).put("name", name).put("ready", ready == null ? 0 : ready).put("desired", desired);
    }
}
