package io.labforge.common.lab.kubernetes;

import io.labforge.common.lab.LabReading;
import io.labforge.common.lab.Risk;
import io.labforge.common.lab.YamlWalker;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The add-ons of {@code kubernetes:} (R26, R28–R30), each installed when the lab names it: {@code calico:
 * {operatorManifest, vxlanPort}}, {@code headlamp:
 * {manifest, nodePort, tokenHours}}, {@code metricsServer: {manifest}}, {@code testApp: {image, replicas,
 * nodePort}}; {@code {}} takes the defaults. Manifests are http(s) URLs; node ports lie in Kubernetes'
 * NodePort range and differ.
 */
final class KubernetesAddonsReader {
    /** Kubernetes' default {@code --service-node-port-range}. */
    static final int NODE_PORT_MIN = 30000;
    static final int NODE_PORT_MAX = 32767;
    private static final Pattern URL = Pattern.compile("https?://[A-Za-z0-9.-]+(:\\d{1,5})?(/[A-Za-z0-9._~:/%?=&+-]*)?");
    private static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9._/:@-]{0,254}");

    private KubernetesAddonsReader() {
    }

    /** {@code calico} is the already-read mapping of {@code kubernetes.calico}. */
    static KubernetesAddons read(Map<String, Node> k, Map<String, Node> calico, LabReading in) {
        YamlWalker w = in.yaml();
        String operator = k.get("calico") == null ? null
                : manifest(calico.get("operatorManifest"), "kubernetes.calico.operatorManifest", KubernetesAddons.CALICO_OPERATOR, in);
        KubernetesAddons.Headlamp headlamp = null;
        if (k.get("headlamp") != null) {
            Map<String, Node> h = w.mapping(k.get("headlamp"), "kubernetes.headlamp", Set.of("manifest", "nodePort", "tokenHours"), Set.of());
            Integer hours = w.integer(h.get("tokenHours"), "kubernetes.headlamp.tokenHours", 1, 24 * 365, "number of hours");
            headlamp = new KubernetesAddons.Headlamp(manifest(h.get("manifest"), "kubernetes.headlamp.manifest", KubernetesAddons.HEADLAMP, in),
                    nodePort(h.get("nodePort"), "kubernetes.headlamp.nodePort", w),
                    hours == null ? KubernetesAddons.Headlamp.DEFAULT_TOKEN_HOURS : hours);
        }
        String metrics = null;
        if (k.get("metricsServer") != null) {
            Map<String, Node> m = w.mapping(k.get("metricsServer"), "kubernetes.metricsServer", Set.of("manifest"), Set.of());
            metrics = manifest(m.get("manifest"), "kubernetes.metricsServer.manifest", KubernetesAddons.METRICS_SERVER, in);
        }
        KubernetesAddons.TestApp app = null;
        if (k.get("testApp") != null) {
            Map<String, Node> a = w.mapping(k.get("testApp"), "kubernetes.testApp", Set.of("image", "replicas", "nodePort"), Set.of());
            String image = in.text(a.get("image"), "kubernetes.testApp.image", v -> IMAGE.matcher(v).matches(), "an image reference",
                    "name an image, e.g. " + KubernetesAddons.TEST_APP_IMAGE);
            Integer replicas = w.integer(a.get("replicas"), "kubernetes.testApp.replicas", 1, 100, "number of replicas");
            Integer port = nodePort(a.get("nodePort"), "kubernetes.testApp.nodePort", w);
            app = new KubernetesAddons.TestApp(image == null ? KubernetesAddons.TEST_APP_IMAGE : image, replicas == null ? 2 : replicas,
                    port == null ? KubernetesAddons.TestApp.DEFAULT_NODE_PORT : port);
        }
        if (headlamp != null && app != null && headlamp.nodePort() != null && headlamp.nodePort() == app.nodePort()) {
            w.error("kubernetes.headlamp.nodePort", "Headlamp and the test app would both take node port " + app.nodePort(),
                    "give one of them another port from " + NODE_PORT_MIN + " to " + NODE_PORT_MAX);
        }
        if (operator == null && (headlamp != null || metrics != null || app != null)) {
            w.error("kubernetes", "Headlamp, metrics-server and the test app run as pods, which need the pod network (R26)",
                    "add calico: {} under kubernetes: (Labforge installs Calico), or leave them out");
        }
        return new KubernetesAddons(operator, headlamp, metrics, app);
    }

    private static String manifest(Node node, String path, String dflt, LabReading in) {
        String v = in.text(node, path, u -> URL.matcher(u).matches(), "an http(s) URL",
                "leave it out for the project's published manifest (" + dflt + "), or name a mirror's copy by its URL");
        if (v != null && v.startsWith("http://")) {
            in.risk(Risk.PLAIN_HTTP_MANIFEST, path, node, v + " is fetched over plain http and applied with cluster-admin rights: anyone "
                    + "on its way could change what the cluster runs", "serve it over https");
        }
        return v == null ? dflt : v;
    }

    private static Integer nodePort(Node node, String path, YamlWalker w) {
        return w.integer(node, path, NODE_PORT_MIN, NODE_PORT_MAX, "NodePort (Kubernetes' node port range)");
    }
}
