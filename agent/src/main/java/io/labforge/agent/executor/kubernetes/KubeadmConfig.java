package io.labforge.agent.executor.kubernetes;

import io.labforge.common.exec.ExecutorException;
import io.labforge.common.lab.kubernetes.KubeadmInit;
import io.labforge.common.lab.kubernetes.KubeadmJoin;
import io.labforge.common.yaml.YamlDocs;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * kubeadm's configuration files (kubernetes.io, "kubeadm Configuration (v1beta4)"), made from the
 * command's values as YAML documents, never by pasting text: InitConfiguration, ClusterConfiguration and
 * KubeletConfiguration for {@code init}; JoinConfiguration for {@code join}.
 */
final class KubeadmConfig {
    static final String DIR = "/etc/labforge/kubeadm";
    static final String CRI_SOCKET = "unix:///var/run/containerd/containerd.sock";
    static final int API_PORT = 6443;
    private static final Pattern NODE = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");
    private static final Pattern API = Pattern.compile("kubeadm\\.k8s\\.io/v1beta[34]");
    private static final Pattern ENDPOINT = Pattern.compile("[A-Za-z0-9.:-]{1,253}:\\d{1,5}");
    private static final Pattern HASH = Pattern.compile("sha256:[0-9a-f]{64}");

    private KubeadmConfig() {
    }

    static String init(KubeadmInit c) {
        check(c.api(), c.nodeName());
        Map<String, Object> init = doc(c.api(), "InitConfiguration");
        init.put("localAPIEndpoint", YamlDocs.map("advertiseAddress", c.advertiseAddress(), "bindPort", API_PORT));
        init.put("nodeRegistration", YamlDocs.map("name", c.nodeName(), "criSocket", CRI_SOCKET));
        Map<String, Object> cluster = doc(c.api(), "ClusterConfiguration");
        cluster.put("controlPlaneEndpoint", c.advertiseAddress() + ":" + API_PORT);
        cluster.put("networking", YamlDocs.map("podSubnet", c.podSubnet(), "serviceSubnet", c.serviceSubnet()));
        Map<String, Object> kubelet = YamlDocs.map("apiVersion", "kubelet.config.k8s.io/v1beta1", "kind", "KubeletConfiguration",
                "cgroupDriver", "systemd");
        if (c.servingCertificates()) {
            kubelet.put("serverTLSBootstrap", true);
        }
        return YamlDocs.dumpAll(List.of(init, cluster, kubelet));
    }

    static String join(KubeadmJoin c) {
        check(c.api(), c.nodeName());
        if (c.apiServer() == null || !ENDPOINT.matcher(c.apiServer()).matches()) {
            throw ExecutorException.refused("'" + c.apiServer() + "' is not an API server endpoint (address:port)");
        }
        if (c.caCertHash() == null || !HASH.matcher(c.caCertHash()).matches()) {
            throw ExecutorException.refused("'" + c.caCertHash() + "' is not a CA certificate hash (sha256:<64 hex digits>)");
        }
        if (c.token() == null || !JoinTokens.isToken(c.token())) {
            throw ExecutorException.refused("the join token is not a bootstrap token ([a-z0-9]{6}.[a-z0-9]{16}): the control plane's token step "
                    + "gave none (is this node in the cluster already under another name?)");
        }
        Map<String, Object> join = doc(c.api(), "JoinConfiguration");
        join.put("discovery", YamlDocs.map("bootstrapToken", YamlDocs.map("apiServerEndpoint", c.apiServer(), "token", c.token(),
                "caCertHashes", List.of(c.caCertHash()))));
        join.put("nodeRegistration", YamlDocs.map("name", c.nodeName(), "criSocket", CRI_SOCKET));
        return YamlDocs.dump(join);
    }

    private static void check(String api, String node) {
        if (api == null || !API.matcher(api).matches()) {
            throw ExecutorException.refused("'" + api + "' is not a kubeadm configuration API Labforge writes (v1beta4, v1beta3)");
        }
        if (node == null || !NODE.matcher(node).matches()) {
            throw ExecutorException.refused("'" + node + "' is not a node name (lowercase DNS name)");
        }
    }

    private static Map<String, Object> doc(String api, String kind) {
        return YamlDocs.map("apiVersion", api, "kind", kind);
    }
}
