package io.labforge.common.lab.kubernetes;

import io.labforge.common.lab.Lab;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Part 3 of the reference lab (R24–R30): a kubeadm cluster. {@code controlPlane} and {@code workers} are
 * hosts of the lab; {@code version} the pinned minor release ({@code 1.35}: the apt repository and the
 * packages); {@code podNetworkCidr} Calico's pool and kubeadm's {@code podSubnet}; {@code serviceCidr}
 * kubeadm's {@code serviceSubnet}; {@code user} the account that gets a kubeconfig besides root (or null);
 * {@code vxlanPort} Calico's VXLAN port; {@code kubeadmApi} the kubeadm configuration's API version;
 * {@code packageRepository} the apt repository's base (pkgs.k8s.io's {@code core:/stable:}, or a mirror);
 * {@code scope} how far Labforge goes ({@link Scope}); {@code addons} what cluster-service puts on the
 * cluster at scope {@code cluster} ({@link KubernetesAddons}).
 */
public record KubernetesSpec(String controlPlane, List<String> workers, String version, String podNetworkCidr, String serviceCidr,
        String user, int vxlanPort, String kubeadmApi, String packageRepository, Scope scope, KubernetesAddons addons) {
    public static final String DEFAULT_VERSION = "1.35";
    /** Calico's default pool (R25's {@code --pod-network-cidr}). */
    public static final String DEFAULT_POD_CIDR = "192.168.0.0/16";
    /** kubeadm's default {@code serviceSubnet}. */
    public static final String DEFAULT_SERVICE_CIDR = "10.96.0.0/12";
    public static final int DEFAULT_VXLAN_PORT = 4789;
    public static final String V1BETA3 = "kubeadm.k8s.io/v1beta3";
    public static final String V1BETA4 = "kubeadm.k8s.io/v1beta4";
    /** The oldest minor pkgs.k8s.io serves (the legacy apt.kubernetes.io repository is frozen). */
    public static final int OLDEST_MINOR = 24;
    /** R24: what containerd's overlay snapshotter and bridged pod traffic need, loaded now and at boot. */
    public static final List<String> MODULES = List.of("overlay", "br_netfilter");
    /** R24: routing between pods, bridged traffic through iptables. */
    public static final Map<String, String> SYSCTLS = Map.of("net.ipv4.ip_forward", "1", "net.bridge.bridge-nf-call-iptables", "1");

    /**
     * How far Labforge goes: {@code nodes} prepared for the kubelet (R24), also the {@code packages} (R25),
     * or the whole {@code cluster}. A course may leave kubeadm to its students: they then init and join
     * on nodes that are ready for it.
     */
    public enum Scope {
        NODES, PACKAGES, CLUSTER;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean includes(Scope other) {
            return compareTo(other) >= 0;
        }
    }

    public KubernetesSpec {
        workers = List.copyOf(workers);
    }

    /** The lab's cluster, or null. */
    public static KubernetesSpec of(Lab lab) {
        return lab.section(KubernetesReader.SECTION);
    }

    /** The minor release: 35 for {@code 1.35}. */
    public int minor() {
        return minorOf(version);
    }

    static int minorOf(String version) {
        return Integer.parseInt(version.substring(version.indexOf('.') + 1));
    }

    /**
     * The kubeadm configuration's API for a minor release: {@code v1beta4} from 1.31 (when it came),
     * {@code v1beta3} before; v1beta3 is read by kubeadm 1.22 to 1.35 and was removed in 1.36.
     */
    public static String kubeadmApiFor(int minor) {
        return minor >= 31 ? V1BETA4 : V1BETA3;
    }

    /** Whether kubeadm of that minor release reads configurations of that API. */
    static boolean reads(int minor, String api) {
        return api.equals(V1BETA4) ? minor >= 31 : minor >= 22 && minor <= 35;
    }

    /** The control plane first, then the workers: every node. */
    public List<String> nodes() {
        List<String> all = new ArrayList<>();
        all.add(controlPlane);
        all.addAll(workers);
        return all;
    }

    public boolean isNode(String host) {
        return controlPlane.equals(host) || workers.contains(host);
    }
}
