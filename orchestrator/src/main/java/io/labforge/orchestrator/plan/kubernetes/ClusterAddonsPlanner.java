package io.labforge.orchestrator.plan.kubernetes;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.kubernetes.ApplyManifest;
import io.labforge.common.lab.kubernetes.ApproveKubeletCertificates;
import io.labforge.common.lab.kubernetes.DeleteObjects;
import io.labforge.common.lab.kubernetes.InstallKubernetesCredentials;
import io.labforge.common.lab.kubernetes.KubernetesAddons;
import io.labforge.common.lab.kubernetes.KubernetesSpec;
import io.labforge.common.lab.kubernetes.SignKubernetesClient;
import io.labforge.common.lab.kubernetes.WriteServiceAccountToken;
import io.labforge.common.lab.swarm.CreateClientKey;
import io.labforge.common.yaml.YamlDocs;
import io.labforge.orchestrator.plan.tls.ClusterServiceKey;
import io.labforge.orchestrator.planner.FeaturePlanner;
import io.labforge.orchestrator.planner.PlanBuilder;
import io.labforge.orchestrator.planner.StepRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * R26, R28–R30 through cluster-service, once the cluster runs ({@link KubeadmPlanner}) and when the lab
 * names Calico (the add-ons need its pod network): the control plane
 * signs cluster-service's request with the cluster CA (the key stays with cluster-service); then Calico
 * (the Tigera operator's manifest by its URL, and an Installation whose pool is the pod network, awaited
 * until the operator calls Calico available), and on Calico: Headlamp with a ServiceAccount bound to
 * {@code cluster-admin} and a token written for the lab's user on the control plane; metrics-server after
 * the kubelets' serving certificates are approved; the test app. Each undone by deleting what it created.
 */
public final class ClusterAddonsPlanner implements FeaturePlanner {
    static final String TARGET = ClusterCommand.TARGET;
    /** The Kubernetes user cluster-service is, and its group: kubeadm's admins from 1.29, system:masters before. */
    static final String USER = "labforge:cluster-service";
    static final int CERT_DAYS = 365;
    static final String HEADLAMP_ACCOUNT = "headlamp-admin";
    static final String TOKEN_FILE = "headlamp-token";

    @Override
    public void plan(PlanBuilder plan) {
        KubernetesSpec k = KubernetesSpec.of(plan.lab());
        if (k == null || !k.scope().includes(KubernetesSpec.Scope.CLUSTER) || k.addons().calicoOperator() == null) {
            return;
        }
        KubernetesAddons a = k.addons();
        String lab = plan.lab().name();
        String cp = k.controlPlane();
        StepRef<CreateClientKey> clientKey = ClusterServiceKey.of(plan);
        StepRef<SignKubernetesClient> signed = plan.step(PlanBuilder.id("k8s-client", cp), cp,
                        new SignKubernetesClient(clientKey.text(CreateClientKey.CSR), USER, k.minor() >= 29 ? "kubeadm:cluster-admins"
                                : "system:masters", CERT_DAYS))
                .after(clientKey.id(), PlanBuilder.id("kubeadm-init", cp))
                .add();
        StepRef<InstallKubernetesCredentials> access = plan.step(PlanBuilder.id("k8s-credentials", TARGET), TARGET,
                        new InstallKubernetesCredentials(lab, signed.text(SignKubernetesClient.SERVER), signed.text(SignKubernetesClient.CERTIFICATE),
                                signed.text(SignKubernetesClient.CA)))
                .after(signed)
                .add();
        List<StepId> joined = new ArrayList<>();
        for (String w : k.workers()) {
            joined.add(PlanBuilder.id("kubeadm-join", w));
        }
        StepRef<ApplyManifest> operator = manifest(plan, "tigera-operator", new ApplyManifest(lab, "tigera-operator", a.calicoOperator(), null,
                List.of(), 600), List.of(access.id()));
        List<StepId> onCalico = new ArrayList<>(joined);
        onCalico.add(operator.id());
        StepRef<ApplyManifest> calico = manifest(plan, "calico", new ApplyManifest(lab, "calico", null, calico(k),
                List.of(new ApplyManifest.Condition("operator.tigera.io/v1", "TigeraStatus", null, "calico", "Available")), 900), onCalico);
        if (a.headlamp() != null) {
            StepRef<ApplyManifest> headlamp = manifest(plan, "headlamp", new ApplyManifest(lab, "headlamp", a.headlamp().manifest(), null,
                    List.of(), 600), List.of(calico.id()));
            StepRef<ApplyManifest> account = manifest(plan, "headlamp-access", new ApplyManifest(lab, "headlamp-access", null,
                    headlampAccess(a.headlamp()), List.of(), 60), List.of(headlamp.id()));
            int hours = a.headlamp().tokenHours();
            plan.step(PlanBuilder.id("headlamp-token", cp), cp, new WriteServiceAccountToken("kube-system", HEADLAMP_ACCOUNT, hours, k.user(),
                            TOKEN_FILE))
                    .after(account)
                    .undo(self -> new WriteServiceAccountToken("kube-system", HEADLAMP_ACCOUNT, 0, k.user(), TOKEN_FILE))
                    .add();
        }
        if (a.metricsServer() != null) {
            List<StepId> after = new ArrayList<>(joined);
            after.add(calico.id());
            StepRef<ApproveKubeletCertificates> certs = plan.step(PlanBuilder.id("kubelet-certs", TARGET), TARGET,
                            new ApproveKubeletCertificates(lab, k.nodes(), 300))
                    .after(after)
                    .timeout(Duration.ofMinutes(6))
                    .add();
            manifest(plan, "metrics-server", new ApplyManifest(lab, "metrics-server", a.metricsServer(), null, List.of(), 600),
                    List.of(certs.id()));
        }
        if (a.testApp() != null) {
            manifest(plan, "test-app", new ApplyManifest(lab, "test-app", null, testApp(a.testApp()), List.of(), 600), List.of(calico.id()));
        }
    }

    private static StepRef<ApplyManifest> manifest(PlanBuilder plan, String kind, ApplyManifest m, List<StepId> after) {
        return plan.step(PlanBuilder.id(kind, TARGET), TARGET, m)
                .after(after)
                .timeout(Duration.ofSeconds(m.awaitSeconds() + 120L))
                .undo(self -> new DeleteObjects(m.lab(), self.text(ApplyManifest.CREATED)))
                .add();
    }

    /**
     * R26: Calico's Installation (the operator's documented {@code custom-resources.yaml}, with the lab's pod
     * network as its pool) and, when Swarm's VXLAN keeps 4789, Felix on the moved port.
     */
    static String calico(KubernetesSpec k) {
        List<Object> docs = new ArrayList<>();
        if (k.vxlanPort() != KubernetesSpec.DEFAULT_VXLAN_PORT) {
            docs.add(YamlDocs.map("apiVersion", "crd.projectcalico.org/v1", "kind", "FelixConfiguration", "metadata", Map.of("name", "default"),
                    "spec", Map.of("vxlanPort", k.vxlanPort())));
        }
        docs.add(YamlDocs.map("apiVersion", "operator.tigera.io/v1", "kind", "Installation", "metadata", Map.of("name", "default"),
                "spec", Map.of("calicoNetwork", Map.of("ipPools", List.of(YamlDocs.map("name", "default-ipv4-ippool", "blockSize", 26,
                        "cidr", k.podNetworkCidr(), "encapsulation", "VXLANCrossSubnet", "natOutgoing", "Enabled", "nodeSelector", "all()"))))));
        docs.add(YamlDocs.map("apiVersion", "operator.tigera.io/v1", "kind", "APIServer", "metadata", Map.of("name", "default"),
                "spec", Map.of()));
        return YamlDocs.dumpAll(docs);
    }

    /** R28: Headlamp's documented access: a ServiceAccount bound to cluster-admin (no login bypass); a NodePort when asked. */
    static String headlampAccess(KubernetesAddons.Headlamp h) {
        List<Object> docs = new ArrayList<>();
        docs.add(YamlDocs.map("apiVersion", "v1", "kind", "ServiceAccount", "metadata", Map.of("name", HEADLAMP_ACCOUNT,
                "namespace", "kube-system")));
        docs.add(YamlDocs.map("apiVersion", "rbac.authorization.k8s.io/v1", "kind", "ClusterRoleBinding", "metadata",
                Map.of("name", HEADLAMP_ACCOUNT), "roleRef", YamlDocs.map("apiGroup", "rbac.authorization.k8s.io", "kind", "ClusterRole",
                        "name", "cluster-admin"), "subjects", List.of(YamlDocs.map("kind", "ServiceAccount", "name", HEADLAMP_ACCOUNT,
                                "namespace", "kube-system"))));
        if (h.nodePort() != null) {
            docs.add(YamlDocs.map("apiVersion", "v1", "kind", "Service", "metadata", Map.of("name", "headlamp-nodeport", "namespace", "kube-system"),
                    "spec", YamlDocs.map("type", "NodePort", "selector", Map.of("k8s-app", "headlamp"),
                            "ports", List.of(YamlDocs.map("port", 80, "targetPort", 4466, "nodePort", h.nodePort())))));
        }
        return YamlDocs.dumpAll(docs);
    }

    /** R29: the test app, an nginx Deployment and a NodePort Service in the namespace {@code labforge-test}. */
    static String testApp(KubernetesAddons.TestApp t) {
        Map<String, String> labels = Map.of("app", "nginx");
        return YamlDocs.dumpAll(List.of(
                YamlDocs.map("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of("name", "labforge-test")),
                YamlDocs.map("apiVersion", "apps/v1", "kind", "Deployment", "metadata", YamlDocs.map("name", "nginx", "namespace", "labforge-test",
                        "labels", labels), "spec", YamlDocs.map("replicas", t.replicas(), "selector", Map.of("matchLabels", labels),
                        "template", YamlDocs.map("metadata", Map.of("labels", labels), "spec", Map.of("containers", List.of(
                                YamlDocs.map("name", "nginx", "image", t.image(), "ports", List.of(Map.of("containerPort", 80)))))))),
                YamlDocs.map("apiVersion", "v1", "kind", "Service", "metadata", YamlDocs.map("name", "nginx", "namespace", "labforge-test"),
                        "spec", YamlDocs.map("type", "NodePort", "selector", labels, "ports", List.of(YamlDocs.map("port", 80, "targetPort", 80,
                                "nodePort", t.nodePort()))))));
    }
}
