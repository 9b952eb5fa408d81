package io.labforge.common.lab.kubernetes;

import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabReading;
import io.labforge.common.lab.LabSection;
import io.labforge.common.lab.Risk;
import io.labforge.common.lab.YamlWalker;
import io.labforge.common.lab.docker.DockerSpec;
import io.labforge.common.lab.swarm.SwarmSpec;
import io.labforge.common.lab.sysctl.SysctlSpec;
import io.labforge.common.net.Cidr;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Locale;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The {@code kubernetes:} section, read after {@code swarm:}. Its preflight refuses, before any change,
 * what would leave a cluster that cannot work: a pod or service network overlapping the lab's hosts,
 * each other, or Swarm's address pools on a shared host; Swarm's overlay and Calico's VXLAN on the same
 * UDP port of a shared host; a version pkgs.k8s.io does not serve; a kubeadm configuration API the
 * pinned kubeadm does not read; Docker's FORWARD DROP on a node whose pod network Labforge does not install.
 */
final class KubernetesReader implements LabSection<KubernetesSpec> {
    static final KubernetesReader SECTION = new KubernetesReader();
    private static final Set<String> KEYS = Set.of("controlPlane", "workers", "version", "podNetworkCidr", "serviceCidr", "user", "calico",
            "kubeadmApiVersion", "packageRepository", "scope", "headlamp", "metricsServer", "testApp");
    private static final Pattern VERSION = Pattern.compile("1\\.\\d{1,2}");
    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    /** Docker's pool for overlay networks when {@code swarm.defaultAddrPool} names none. */
    private static final String SWARM_DEFAULT_POOL = "10.0.0.0/8";
    /** Networks offered in a fix, the first one clear of everything else taken. */
    private static final List<String> CANDIDATES = List.of("10.244.0.0/16", "172.16.0.0/16", "192.168.0.0/16", "10.96.0.0/12",
            "172.20.0.0/16", "100.64.0.0/16");

    @Override
    public String key() {
        return "kubernetes";
    }

    @Override
    public Class<KubernetesSpec> type() {
        return KubernetesSpec.class;
    }

    @Override
    public KubernetesSpec read(Node node, LabReading in) {
        YamlWalker w = in.yaml();
        Map<String, Node> k = w.mapping(node, "kubernetes", KEYS, Set.of("controlPlane"));
        String cp = in.hostRef(k.get("controlPlane"), "kubernetes.controlPlane");
        List<String> workers = in.hostRefs(k.get("workers"), "kubernetes.workers");
        if (cp != null && workers.contains(cp)) {
            w.error("kubernetes.workers", "host '" + cp + "' is the control plane and a worker", "list it once, as controlPlane");
        }
        String version = in.text(k.get("version"), "kubernetes.version", v -> VERSION.matcher(v).matches(), "a minor release",
                "pin the minor release as pkgs.k8s.io names it, e.g. " + KubernetesSpec.DEFAULT_VERSION);
        if (version != null && KubernetesSpec.minorOf(version) < KubernetesSpec.OLDEST_MINOR) {
            w.error("kubernetes.version", "Kubernetes " + version + " is not served by pkgs.k8s.io (from 1." + KubernetesSpec.OLDEST_MINOR
                    + "; the old apt.kubernetes.io is frozen)", "pin 1." + KubernetesSpec.OLDEST_MINOR + " or later, e.g. "
                    + KubernetesSpec.DEFAULT_VERSION);
            version = null;
        }
        version = version == null ? KubernetesSpec.DEFAULT_VERSION : version;
        String pods = cidr(k.get("podNetworkCidr"), "kubernetes.podNetworkCidr", in, KubernetesSpec.DEFAULT_POD_CIDR);
        String services = cidr(k.get("serviceCidr"), "kubernetes.serviceCidr", in, KubernetesSpec.DEFAULT_SERVICE_CIDR);
        String user = in.text(k.get("user"), "kubernetes.user", u -> USER.matcher(u).matches(), "a user name",
                "name the account that gets ~/.kube/config, e.g. student");
        Map<String, Node> calico = w.mapping(k.get("calico"), "kubernetes.calico", Set.of("vxlanPort", "operatorManifest"), Set.of());
        Integer port = w.integer(calico.get("vxlanPort"), "kubernetes.calico.vxlanPort", 1024, 65535, "port");
        int vxlanPort = port == null ? KubernetesSpec.DEFAULT_VXLAN_PORT : port;
        KubernetesAddons addons = KubernetesAddonsReader.read(k, calico, in);
        String api = in.oneOf(k.get("kubeadmApiVersion"), "kubernetes.kubeadmApiVersion", "kubeadm configuration API",
                List.of(KubernetesSpec.V1BETA4, KubernetesSpec.V1BETA3));
        int minor = KubernetesSpec.minorOf(version);
        if (api != null && !KubernetesSpec.reads(minor, api)) {
            w.error("kubernetes.kubeadmApiVersion", "kubeadm " + version + " does not read " + api + " (v1beta4 from 1.31; v1beta3 from 1.22 "
                    + "to 1.35)", "write " + KubernetesSpec.kubeadmApiFor(minor) + ", or leave kubeadmApiVersion out: Labforge picks it");
        }
        String repository = in.text(k.get("packageRepository"), "kubernetes.packageRepository", KubernetesReader::isRepository,
                "an http(s) URL", "leave it out for " + InstallKubernetesPackages.PKGS_K8S_IO + ", or name a mirror laid out the same way "
                        + "(<url>/v<version>/deb/)");
        String scope = in.oneOf(k.get("scope"), "kubernetes.scope", "scope", List.of("nodes", "packages", "cluster"));
        KubernetesSpec spec = new KubernetesSpec(cp, workers, version, pods, services, user, vxlanPort,
                api == null ? KubernetesSpec.kubeadmApiFor(minor) : api, repository == null ? InstallKubernetesPackages.PKGS_K8S_IO : repository,
                scope == null ? KubernetesSpec.Scope.CLUSTER : KubernetesSpec.Scope.valueOf(scope.toUpperCase(Locale.ROOT)), addons);
        if (cp != null) {
            networks(spec, in);
            vxlan(spec, in);
            sysctls(spec, in);
            dockerForward(spec, node, in);
        }
        return spec;
    }

    /** R24: Labforge sets the sysctls Kubernetes needs on its nodes; a lab value against them is refused, not overridden. */
    private static void sysctls(KubernetesSpec spec, LabReading in) {
        for (String node : spec.nodes()) {
            Lab.Host h = in.host(node);
            if (h == null) {
                continue;
            }
            SysctlSpec own = SysctlSpec.of(in, h);
            KubernetesSpec.SYSCTLS.forEach((key, needed) -> {
                String v = own.values().get(key);
                if (v != null && !v.equals(needed)) {
                    in.yaml().error("kubernetes", "host " + node + " sets " + key + " to " + v + " (sysctl: of the host or its roles), and "
                            + "a Kubernetes node needs " + needed + " (R24)", "remove " + key + " from its sysctl: (Labforge sets it on "
                                    + "Kubernetes nodes), or take the host out of kubernetes:");
                }
            });
        }
    }

    /**
     * Docker, where it runs, sets the {@code FORWARD} chain's policy to DROP (Debian 12's 20.10 has no
     * {@code ip-forward-no-drop}), and a node routes its pods to the others through that chain. Calico,
     * when Labforge installs it, accepts pod traffic ahead of the policy (Felix inserts its rules at the top
     * of {@code FORWARD}); a pod network the lab leaves to someone else must do the same, which the lab
     * owns up to. Docker is seen where the lab runs it (its settings, or the swarm); one installed by other
     * means is not known before the hosts are.
     */
    private static void dockerForward(KubernetesSpec spec, Node at, LabReading in) {
        boolean cluster = spec.scope().includes(KubernetesSpec.Scope.CLUSTER);
        if (cluster && spec.addons().calicoOperator() != null) {
            return;
        }
        SwarmSpec swarm = SwarmSpec.of(in);
        List<String> docker = new ArrayList<>();
        for (String node : spec.nodes()) {
            Lab.Host h = in.host(node);
            if (h != null && (!DockerSpec.of(in, h).isEmpty() || swarm != null && swarm.nodes().contains(node))) {
                docker.add(node);
            }
        }
        if (!docker.isEmpty()) {
            in.risk(Risk.DOCKER_FORWARD_DROP, "kubernetes", at, "Kubernetes nodes " + docker + " run Docker, whose FORWARD policy DROP "
                    + "drops pods' traffic between nodes unless the pod network accepts it first, and Labforge installs no pod network here "
                    + (cluster ? "(no kubernetes.calico)" : "(scope " + spec.scope().name().toLowerCase(Locale.ROOT) + ": the cluster and its "
                            + "network are left to whoever runs kubeadm)"), (cluster ? "add kubernetes.calico: {} (Calico's rules accept pod "
                                    + "traffic ahead of Docker's policy), or leave" : "leave") + " Docker off those nodes");
        }
    }

    private static boolean isRepository(String url) {
        return url.matches("https?://[A-Za-z0-9.-]+(:\\d{1,5})?(/[A-Za-z0-9._~:/%-]*)?");
    }

    private static String cidr(Node node, String path, LabReading in, String dflt) {
        String v = in.text(node, path, Cidr::valid, "an IPv4 network (CIDR)", "write an IPv4 network, e.g. " + dflt);
        return v == null ? dflt : v;
    }

    /**
     * The pod and service networks apart from every host of the lab and from each other; the pod network
     * (real routes on the nodes, unlike the service network's virtual addresses) also apart from Swarm's
     * address pools when a host is in both clusters.
     */
    private static void networks(KubernetesSpec spec, LabReading in) {
        YamlWalker w = in.yaml();
        List<String> hosts = new ArrayList<>();
        for (Lab.Host h : in.hosts()) {
            if (h.address() != null && Cidr.valid(h.address() + "/32")) {
                hosts.add(h.address() + "/32");
            }
        }
        SwarmSpec swarm = SwarmSpec.of(in);
        List<String> both = swarm == null ? List.of() : shared(swarm, spec);
        List<String> pools = both.isEmpty() ? List.of() : swarm.defaultAddrPool().isEmpty() ? List.of(SWARM_DEFAULT_POOL) : swarm.defaultAddrPool();
        List<String> avoid = new ArrayList<>(hosts);
        avoid.addAll(pools);
        avoid.add(spec.serviceCidr());
        String podFix = "choose a pod network apart from the lab's hosts" + (pools.isEmpty() ? "" : ", Swarm's pools " + pools) + " and the "
                + "service network " + spec.serviceCidr() + suggestion(avoid);
        hostInside(spec.podNetworkCidr(), "kubernetes.podNetworkCidr", "the pod network", podFix, in);
        for (String pool : pools) {
            if (Cidr.overlaps(spec.podNetworkCidr(), pool)) {
                w.error("kubernetes.podNetworkCidr", "the pod network " + spec.podNetworkCidr() + " overlaps Swarm's address pool " + pool
                        + " on hosts " + both + ", which are in both clusters", podFix + (swarm.defaultAddrPool().isEmpty()
                                ? ", or give the swarm a pool of its own (swarm.defaultAddrPool)" : ""));
            }
        }
        List<String> avoidServices = new ArrayList<>(hosts);
        avoidServices.add(spec.podNetworkCidr());
        hostInside(spec.serviceCidr(), "kubernetes.serviceCidr", "the service network", "choose a service network apart from the lab's "
                + "hosts and the pod network " + spec.podNetworkCidr() + suggestion(avoidServices), in);
        if (Cidr.overlaps(spec.podNetworkCidr(), spec.serviceCidr())) {
            w.error("kubernetes.podNetworkCidr", "the pod network " + spec.podNetworkCidr() + " overlaps the service network "
                    + spec.serviceCidr(), "keep them apart" + suggestion(avoid));
        }
    }

    private static void hostInside(String net, String path, String what, String fix, LabReading in) {
        for (Lab.Host h : in.hosts()) {
            if (h.address() != null && Cidr.contains(net, h.address())) {
                in.yaml().error(path, "host " + h.name() + "'s address " + h.address() + " lies in " + what + " " + net
                        + ": the cluster would route it to pods or services", fix);
                return;
            }
        }
    }

    /** R26: Swarm's overlay and Calico's VXLAN on one host must not share a UDP port (Calico drops what it did not send). */
    private static void vxlan(KubernetesSpec spec, LabReading in) {
        SwarmSpec swarm = SwarmSpec.of(in);
        if (swarm == null || swarm.dataPathPort() != spec.vxlanPort()) {
            return;
        }
        List<String> both = shared(swarm, spec);
        if (!both.isEmpty()) {
            in.yaml().error("swarm.dataPathPort", "hosts " + both + " are in the swarm and the Kubernetes cluster, and both Swarm's overlay "
                    + "and Calico's VXLAN would use UDP " + spec.vxlanPort() + " (R26)", "move one: set kubernetes.calico.vxlanPort or "
                            + "swarm.dataPathPort to another port, e.g. " + (spec.vxlanPort() + 1) + ", or keep the clusters on separate hosts");
        }
    }

    private static List<String> shared(SwarmSpec swarm, KubernetesSpec spec) {
        List<String> both = new ArrayList<>(swarm.nodes());
        both.retainAll(spec.nodes());
        return both;
    }

    private static String suggestion(List<String> avoid) {
        return CANDIDATES.stream().filter(c -> avoid.stream().noneMatch(a -> Cidr.overlaps(c, a))).findFirst()
                .map(c -> ", e.g. " + c).orElse("");
    }
}
