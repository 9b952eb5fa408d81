package io.labforge.common.lab.kubernetes;

/**
 * R26, R28–R30: what cluster-service puts on the cluster once it runs ({@code scope: cluster}), each
 * from its project's published manifest, fetched at run time from its URL as a user would, and each
 * only when the lab names it (null otherwise): Calico through the Tigera operator ({@code calicoOperator})
 * and an {@code Installation} whose pool is the pod network; Headlamp with a ServiceAccount bound to
 * {@code cluster-admin} and a token for the lab's user; metrics-server's manifest; a test app. Those
 * three need Calico.
 */
public record KubernetesAddons(String calicoOperator, Headlamp headlamp, String metricsServer, TestApp testApp) {
    public static final String CALICO_OPERATOR = "https://raw.githubusercontent.com/projectcalico/calico/v3.32.2/manifests/tigera-operator.yaml";
    public static final String HEADLAMP = "https://raw.githubusercontent.com/kubernetes-sigs/headlamp/main/kubernetes-headlamp.yaml";
    public static final String METRICS_SERVER = "https://github.com/kubernetes-sigs/metrics-server/releases/download/v0.8.1/components.yaml";
    public static final String TEST_APP_IMAGE = "nginx:1.29";

    /**
     * R28: Headlamp's in-cluster manifest, reachable on every node at {@code nodePort} (or only inside
     * the cluster when null); the user's token valid {@code tokenHours}.
     */
    public record Headlamp(String manifest, Integer nodePort, int tokenHours) {
        public static final int DEFAULT_TOKEN_HOURS = 24;
    }

    /** R29: an nginx Deployment of {@code replicas} and a NodePort Service on {@code nodePort}. */
    public record TestApp(String image, int replicas, int nodePort) {
        public static final int DEFAULT_NODE_PORT = 30080;
    }
}
