package io.labforge.orchestrator.plan.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.features.Features;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.plan.Planners;
import io.labforge.orchestrator.planner.Plan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What {@code labforge kubernetes status} asks of cluster-service, and prints of its answer. */
class KubernetesStatusTest {
    @Test
    void nodesThenWorkloadsWithReadyOverDesired() {
        String table = Planners.status("kubernetes").table(Json.read("""
                {"nodes": [{"name": "k8s1", "ready": true, "version": "v1.35.0"}, {"name": "k8s2", "ready": false, "version": "v1.35.0"}],
                 "workloads": [{"namespace": "kube-system", "kind": "Deployment", "name": "metrics-server", "ready": 1, "desired": 1},
                               {"namespace": "labforge-test", "kind": "Deployment", "name": "nginx", "ready": 1, "desired": 2}]}
                """));
        assertThat(table.lines().toList()).containsSubsequence(
                "NODE             READY     KUBELET",
                "k8s1             yes       v1.35.0",
                "k8s2             no        v1.35.0",
                "NAMESPACE        KIND         NAME                     READY",
                "kube-system      Deployment   metrics-server           1/1",
                "labforge-test    Deployment   nginx                    1/2   (not ready)");
    }

    @Test
    void aLabWhoseClusterLabforgeMadeIsReadThroughClusterServiceOthersAreRefused() throws IOException {
        String ref = Files.readString(Path.of("..", "examples", "reference-lab.yaml"));
        Plan plan = Planners.status("kubernetes").describe(Features.PARSER.parse(ref, "ref.yaml"));
        assertThat(plan.steps()).hasSize(1);
        assertThat(plan.step(StepId.of("describe-kubernetes@cluster-service")).commandType()).isEqualTo("cluster.DescribeKubernetes");
        Lab nodesOnly = Features.PARSER.parse(Files.readString(Path.of("..", "examples", "kubernetes-lab.yaml")), "k.yaml");
        assertThatThrownBy(() -> Planners.status("kubernetes").describe(nodesOnly)).hasMessageContaining("calico:");
        assertThatThrownBy(() -> Planners.status("helm")).hasMessageContaining("[swarm, kubernetes]");
        assertThat(Planners.status("kubernetes").builtBy("k8s-credentials@cluster-service")).isTrue();
    }
}
