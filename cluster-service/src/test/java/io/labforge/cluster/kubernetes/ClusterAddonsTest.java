package io.labforge.cluster.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.HostRoot;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.ApplyManifest;
import io.labforge.common.lab.kubernetes.ApproveKubeletCertificates;
import io.labforge.common.lab.kubernetes.DeleteObjects;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Manifests applied by cluster-service against fabric8's API-server mock in CRUD mode (no Kubernetes can
 * run here): fetched from their URL, created, awaited until the test — standing in for the cluster's
 * controllers — reports them ready, applied again without change, and undone down to what they created.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class ClusterAddonsTest {
    static final String TEST_APP = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: labforge-test}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: nginx, namespace: labforge-test, labels: {app: nginx}}
            spec:
              replicas: 2
              selector: {matchLabels: {app: nginx}}
              template:
                metadata: {labels: {app: nginx}}
                spec:
                  containers: [{name: nginx, image: "nginx:1.29", ports: [{containerPort: 80}]}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: nginx, namespace: labforge-test}
            spec:
              type: NodePort
              selector: {app: nginx}
              ports: [{port: 80, targetPort: 80, nodePort: 30080}]
            """;

    KubernetesClient client;
    HttpServer web;
    final List<String> progress = new CopyOnWriteArrayList<>();
    StepContext ctx;

    @BeforeEach
    void serveManifests(@TempDir Path dir) throws Exception {
        web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/", x -> {
            String body = Map.of("/app.yaml", TEST_APP, "/not-yaml", "<html>moved</html>").get(x.getRequestURI().getPath());
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        web.start();
        ctx = new StepContext(new HostRoot(dir), new ProcessRunner(), 1, progress::add);
    }

    @AfterEach
    void stop() {
        web.stop(0);
    }

    String url(String path) {
        return "http://127.0.0.1:" + web.getAddress().getPort() + path;
    }

    ApplyManifestExecutor executor() {
        return new ApplyManifestExecutor(lab -> client);
    }

    /**
     * The Deployment controller's part, until the test ends: a Deployment's replicas become available 1.5 s
     * after it appears, and again after each update (the mock, unlike an API server, drops the status when
     * the object is replaced).
     */
    Thread controller(String ns, String name) {
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Deployment d = client.apps().deployments().inNamespace(ns).withName(name).get();
                    if (d != null && d.getStatus() == null) {
                        Thread.sleep(1500);
                        d = client.apps().deployments().inNamespace(ns).withName(name).get();
                        int replicas = d.getSpec().getReplicas();
                        d.setStatus(new DeploymentStatusBuilder().withReplicas(replicas).withAvailableReplicas(replicas)
                                .withReadyReplicas(replicas).build());
                        client.apps().deployments().inNamespace(ns).resource(d).updateStatus();
                    }
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void aManifestFromItsUrlIsAppliedAwaitedAppliedAgainAndUndone() throws Exception {
        ApplyManifest app = new ApplyManifest("lab1", "test-app", url("/app.yaml"), null, List.of(), 30);
        Outcome plan = executor().check(app, ctx);
        assertThat(plan.changed()).isTrue();
        assertThat(plan.diff()).contains("+ Deployment labforge-test/nginx", "+ Service labforge-test/nginx", "+ Namespace labforge-test");

        Thread controller = controller("labforge-test", "nginx");
        Outcome done = executor().apply(app, ctx);
        assertThat(done.changed()).isTrue();
        assertThat(done.outputs().get("created").asString().lines().toList()).containsExactly("v1 Namespace - labforge-test",
                "apps/v1 Deployment labforge-test nginx", "v1 Service labforge-test nginx");
        assertThat(progress).anyMatch(l -> l.contains("waiting for Deployment labforge-test/nginx 0/2 available"));
        assertThat(client.services().inNamespace("labforge-test").withName("nginx").get().getSpec().getPorts().get(0).getNodePort())
                .isEqualTo(30080);

        Outcome again = executor().apply(app, ctx);
        assertThat(again.changed()).as(again.diff()).isFalse();
        assertThat(again.outputs().get("created").asString()).isEmpty();
        assertThat(executor().check(app, ctx).changed()).isFalse();
        ApplyManifest three = new ApplyManifest("lab1", "test-app", null, TEST_APP.replace("replicas: 2", "replicas: 3"), List.of(), 30);
        assertThat(executor().check(three, ctx).diff()).contains("~ Deployment labforge-test/nginx", "  Service labforge-test/nginx");
        Outcome scaled = executor().apply(three, ctx);
        assertThat(scaled.changed()).isTrue();
        assertThat(scaled.outputs().get("created").asString()).isEmpty();
        assertThat(client.apps().deployments().inNamespace("labforge-test").withName("nginx").get().getSpec().getReplicas()).isEqualTo(3);

        Outcome undone = new DeleteObjectsExecutor(lab -> client).apply(new DeleteObjects("lab1", done.outputs().get("created").asString()), ctx);
        assertThat(undone.diff().lines().toList()).containsExactly("- Service labforge-test/nginx", "- Deployment labforge-test/nginx",
                "- Namespace labforge-test");
        assertThat(client.apps().deployments().inNamespace("labforge-test").withName("nginx").get()).isNull();
        assertThat(new DeleteObjectsExecutor(lab -> client).apply(new DeleteObjects("lab1", done.outputs().get("created").asString()), ctx)
                .changed()).isFalse();
        controller.interrupt();
    }

    @Test
    void whatWasThereBeforeIsNotUndone() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("labforge-test").endMetadata().build()).create();
        Outcome done = executor().apply(new ApplyManifest("lab1", "test-app", null, TEST_APP.replace("replicas: 2", "replicas: 0"), List.of(), 5), ctx);
        assertThat(done.outputs().get("created").asString()).doesNotContain("Namespace");
        new DeleteObjectsExecutor(lab -> client).apply(new DeleteObjects("lab1", done.outputs().get("created").asString()), ctx);
        assertThat(client.namespaces().withName("labforge-test").get()).isNotNull();
        assertThat(client.services().inNamespace("labforge-test").withName("nginx").get()).isNull();
    }

    @Test
    void aDeploymentThatNeverBecomesReadyFailsTheStepSayingWhich() {
        assertThatThrownBy(() -> executor().apply(new ApplyManifest("lab1", "test-app", url("/app.yaml"), null, List.of(), 2), ctx))
                .isInstanceOf(ExecutorException.class)
                .hasMessageContaining("not ready after 2s: Deployment labforge-test/nginx 0/2 available")
                .satisfies(e -> assertThat(((ExecutorException) e).retryable()).isTrue());
    }

    @Test
    void anUnreachableOrWrongManifestIsAnErrorNamingIt() {
        assertThatThrownBy(() -> executor().apply(new ApplyManifest("lab1", "calico", url("/gone.yaml"), null, List.of(), 5), ctx))
                .hasMessageContaining("the manifest calico at " + url("/gone.yaml") + " answered HTTP 404");
        assertThatThrownBy(() -> executor().apply(new ApplyManifest("lab1", "calico", url("/not-yaml"), null, List.of(), 5), ctx))
                .hasMessageContaining("manifest calico (" + url("/not-yaml") + ") is not a Kubernetes manifest");
        assertThat(client.namespaces().list().getItems()).isEmpty();
    }

    @Test
    void beforeTheClusterIsMadeAPlanSaysWhatTheStepsWouldDoAndAnApplyIsRefused() {
        // a plan of a lab whose cluster an earlier step of the same apply makes: cluster-service has no access to it yet
        ClusterClients none = lab -> {
            throw new ExecutorException("cluster-service has no credentials for lab " + lab + "'s cluster yet", false);
        };
        Outcome manifest = new ApplyManifestExecutor(none).check(new ApplyManifest("lab1", "calico", url("/app.yaml"), null, List.of(), 5), ctx);
        assertThat(manifest.changed()).isTrue();
        assertThat(manifest.diff()).startsWith("+ ").contains("calico", "the cluster's credentials come earlier in this apply");
        Outcome approval = new ApproveKubeletCertificatesExecutor(none).check(
                new ApproveKubeletCertificates("lab1", List.of("k8s1"), 5), ctx);
        assertThat(approval.changed()).isTrue();
        assertThat(approval.diff()).contains("[k8s1] approved");
        assertThatThrownBy(() -> new ApplyManifestExecutor(none).apply(new ApplyManifest("lab1", "calico", url("/app.yaml"), null, List.of(), 5),
                ctx)).hasMessageContaining("no credentials for lab lab1");
        assertThat(client.namespaces().list().getItems()).isEmpty();
    }

    static final String OPERATOR = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: tigerastatuses.operator.tigera.io}
            spec:
              group: operator.tigera.io
              scope: Cluster
              names: {kind: TigeraStatus, plural: tigerastatuses, singular: tigerastatus, listKind: TigeraStatusList}
              versions: [{name: v1, served: true, storage: true, subresources: {status: {}}, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]
            ---
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: installations.operator.tigera.io}
            spec:
              group: operator.tigera.io
              scope: Cluster
              names: {kind: Installation, plural: installations, singular: installation, listKind: InstallationList}
              versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]
            """;

    @Test
    void aCustomResourceIsAwaitedUntilItsConditionHolds() throws Exception {
        executor().apply(new ApplyManifest("lab1", "tigera-operator", null, OPERATOR, List.of(), 5), ctx);
        String installation = """
                apiVersion: operator.tigera.io/v1
                kind: Installation
                metadata: {name: default}
                spec:
                  calicoNetwork:
                    ipPools: [{name: default-ipv4-ippool, cidr: 10.244.0.0/16, encapsulation: VXLAN, natOutgoing: Enabled, nodeSelector: all()}]
                """;
        ApplyManifest calico = new ApplyManifest("lab1", "calico", null, installation,
                List.of(new ApplyManifest.Condition("operator.tigera.io/v1", "TigeraStatus", null, "calico", "Available")), 30);
        Thread operator = new Thread(() -> {
            try {
                Thread.sleep(1500);
                var status = new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder().withApiVersion("operator.tigera.io/v1")
                        .withKind("TigeraStatus").withNewMetadata().withName("calico").endMetadata().build();
                var statuses = client.genericKubernetesResources("operator.tigera.io/v1", "TigeraStatus");
                status = statuses.resource(status).create();
                // as the API server, the mock keeps the status of an object with a status subresource out of its creation
                status.setAdditionalProperty("status", Map.of("conditions", List.of(Map.of("type", "Available", "status", "True"))));
                statuses.resource(status).updateStatus();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        operator.start();
        Outcome done = executor().apply(calico, ctx);
        operator.join();
        assertThat(done.outputs().get("created").asString()).isEqualTo("operator.tigera.io/v1 Installation - default");
        assertThat(progress).anyMatch(l -> l.contains("TigeraStatus calico not Available yet"));
        var pools = client.genericKubernetesResources("operator.tigera.io/v1", "Installation").withName("default").get();
        assertThat(pools.toString()).contains("10.244.0.0/16");
    }

    @Test
    void theClusterIsDescribedAsItsApiSaysNodesThenWorkloads() {
        client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName("k8s1").endMetadata()
                .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition()
                .withNewNodeInfo().withKubeletVersion("v1.35.0").endNodeInfo().endStatus().build()).create();
        client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName("k8s2").endMetadata().build()).create();
        executor().apply(new ApplyManifest("lab1", "test-app", null, TEST_APP.replace("replicas: 2", "replicas: 0"), List.of(), 5), ctx);
        Outcome out = new DescribeKubernetesExecutor(lab -> client).apply(new io.labforge.common.lab.kubernetes.DescribeKubernetes("lab1"), ctx);
        assertThat(out.changed()).isFalse();
        assertThat(out.outputs().get("nodes").toString()).isEqualTo(
                "[{\"name\":\"k8s1\",\"ready\":true,\"version\":\"v1.35.0\"},{\"name\":\"k8s2\",\"ready\":false,\"version\":\"\"}]");
        assertThat(out.outputs().get("workloads").toString()).isEqualTo(
                "[{\"namespace\":\"labforge-test\",\"kind\":\"Deployment\",\"name\":\"nginx\",\"ready\":0,\"desired\":0}]");
    }
}
