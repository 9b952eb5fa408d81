package io.labforge.common.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A lab, as read from its file ({@code apiVersion: labforge/v1}, {@code kind: Lab}). Built only by
 * {@link LabParser}, which has validated it: every reference names an existing host or role.
 */
public record Lab(
        String name,
        String domain,
        FailurePolicy onFailure,
        Map<String, Role> roles,
        List<Host> hosts,
        GitlabSpec gitlab,
        SwarmSpec swarm,
        KubernetesSpec kubernetes) {

    public static final String API_VERSION = "labforge/v1";

    public enum FailurePolicy {
        /** Stop at the failed step; {@code resume} runs it again once the host is fixed. */
        PAUSE,
        /** Undo every completed step, in reverse dependency order. */
        COMPENSATE
    }

    /** Settings shared by the hosts that name this role. */
    public record Role(String name, FirewallSpec firewall, DockerSpec docker, List<RegistryTrust> registryTrust) {
    }

    /**
     * A host of the lab. {@code kind} says what {@code labforge lab up} starts for it: a container
     * ({@code container}, the default) or a qemu VM ({@code vm}, the default for a host with disks: LVM
     * does not run in a container). Hosts that already exist ignore it.
     */
    public record Host(String name, String address, List<String> roles, FirewallSpec firewall, DockerSpec docker,
            List<DiskSpec> disks, List<RegistryTrust> registryTrust, Kind kind) {
        public Host(String name, String address, List<String> roles, FirewallSpec firewall, DockerSpec docker,
                List<DiskSpec> disks, List<RegistryTrust> registryTrust) {
            this(name, address, roles, firewall, docker, disks, registryTrust, Kind.CONTAINER);
        }
    }

    /** What a local lab host is started as. */
    public enum Kind {
        CONTAINER, VM
    }

    /** R6, R19: a registry ({@code host:port}) whose TLS certificate the host's Docker must trust, and its CA (PEM). */
    public record RegistryTrust(String registry, String caPem) {
    }

    public record FirewallSpec(String zone, List<PortRange> ports, List<String> services) {
        public static final FirewallSpec EMPTY = new FirewallSpec(null, List.of(), List.of());

        public boolean isEmpty() {
            return ports.isEmpty() && services.isEmpty();
        }

        /** This spec with {@code over}'s zone (when set) and both sets of openings. */
        public FirewallSpec merge(FirewallSpec over) {
            Set<PortRange> p = new LinkedHashSet<>(ports);
            p.addAll(over.ports);
            Set<String> s = new LinkedHashSet<>(services);
            s.addAll(over.services);
            return new FirewallSpec(over.zone != null ? over.zone : zone, List.copyOf(p), List.copyOf(s));
        }
    }

    /**
     * Docker daemon settings, keys as in {@code daemon.json} (R4 {@code data-root}, R15
     * {@code metrics-addr} and {@code experimental}, R19 {@code insecure-registries}).
     */
    public record DockerSpec(String dataRoot, String metricsAddr, Boolean experimental,
            List<String> insecureRegistries, Integer tlsPort) {
        public static final DockerSpec EMPTY = new DockerSpec(null, null, null, null, null);

        public boolean isEmpty() {
            return this.equals(EMPTY);
        }

        DockerSpec merge(DockerSpec over) {
            return new DockerSpec(
                    over.dataRoot != null ? over.dataRoot : dataRoot,
                    over.metricsAddr != null ? over.metricsAddr : metricsAddr,
                    over.experimental != null ? over.experimental : experimental,
                    over.insecureRegistries != null ? over.insecureRegistries : insecureRegistries,
                    over.tlsPort != null ? over.tlsPort : tlsPort);
        }

        /**
         * The {@code daemon.json} keys this spec sets, in a stable order. {@code tls-port} is not one:
         * it makes Labforge add the Engine API socket with mutual TLS from the lab's CA.
         */
        public Map<String, Object> daemonJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (dataRoot != null) {
                m.put("data-root", dataRoot);
            }
            if (metricsAddr != null) {
                m.put("metrics-addr", metricsAddr);
            }
            if (experimental != null) {
                m.put("experimental", experimental);
            }
            if (insecureRegistries != null) {
                m.put("insecure-registries", insecureRegistries);
            }
            return m;
        }
    }

    /** R3: a whole disk turned into one LVM volume group. Executed by the disks capability. */
    /**
     * R3: a whole disk made into an LVM volume group. The disk is named by its path, by its serial, or
     * by its size alone (the one unused disk of that size); {@code size} is also the size {@code lab up}
     * gives a VM's disk.
     */
    public record DiskSpec(String device, String serial, Size size, String volumeGroup, List<VolumeSpec> volumes) {
    }

    /** A logical volume; {@code allowShrink} lets a smaller size shrink an existing volume (refused otherwise). */
    public record VolumeSpec(String name, Size size, String filesystem, String mount, boolean allowShrink) {
    }

    /**
     * Part 1 of the reference lab (R5–R13). {@code install}: {@code omnibus} (the package, from GitLab's
     * repository for the host's OS, or {@code packageRepository}, a mirror), {@code container}
     * ({@code image}, default gitlab/gitlab-ce:latest) or {@code existing} (a GitLab already running at
     * {@code externalUrl} with a certificate from the lab's CA: Labforge neither installs, configures nor
     * stops it); {@code rootPassword}, {@code token}: names of secrets the orchestrator holds (never the
     * values; without {@code token} Labforge makes one on the GitLab host); {@code hooksDir}: where GitLab
     * runs server hooks (R8); {@code monitoringAllow}: addresses (CIDR) allowed to GitLab's health
     * endpoints besides the host itself (gitlab-service's, when it runs elsewhere).
     */
    public record GitlabSpec(String host, String externalUrl, Integer registryPort, String install, String rootPasswordSecret,
            List<GitlabRunner> runners, List<String> projects, String hooksDir, String tokenSecret, String image,
            String packageRepository, List<String> monitoringAllow, List<GitlabImage> images, GitlabTls tls) {
        public boolean installs() {
            return !"existing".equals(install);
        }

        public static final String DEFAULT_HOOKS_DIR = "/var/opt/gitlab/gitaly/custom_hooks";
        /** The projects Labforge knows how to seed (R10, R11–R12, R13). */
        public static final List<String> KNOWN_PROJECTS = List.of("sleepytest", "http-server", "tp1-app");

        /** The host name in the external URL (what the certificate and the clients use). */
        public String urlHost() {
            return java.net.URI.create(externalUrl).getHost();
        }
    }

    /**
     * GitLab's TLS from files the lab gives instead of the lab's CA: {@code certificate} and {@code ca}
     * are paths next to the lab file (their PEM in {@code certificatePem}/{@code caPem} when the lab came
     * with its files), the key the name of a secret the orchestrator holds.
     */
    public record GitlabTls(String certificate, String ca, String keySecret, String certificatePem, String caPem) {
        /** {@code tls: public}: an existing GitLab whose certificate a public CA signed (trusted as the system trusts it). */
        public static final GitlabTls PUBLIC = new GitlabTls(null, null, null, null, null);

        public boolean isPublic() {
            return certificate == null;
        }
    }

    /** R7: an image of the GitLab host's Docker ({@code from}) pushed as {@code <registry>/<namespace>/<project>/<name>:<tag>}. */
    public record GitlabImage(String project, String name, String from, String tag) {
    }

    /**
     * R9: a runner on {@code host} with the {@code docker} or {@code shell} executor, its tags, whether it
     * takes untagged jobs; {@code image}: the docker executor's default image.
     */
    public record GitlabRunner(String name, String host, String executor, List<String> tags, boolean runUntagged, String image) {
    }

    /**
     * {@code registry}: Labforge's own registry for the swarm (R19), or null; {@code services}: R18;
     * {@code availability}: per node (host name) {@code active}, {@code pause} or {@code drain} (R17, R18);
     * {@code stacks}: R20; {@code prometheus}: R23, or null; {@code defaultAddrPool}: the pools overlay
     * networks take their subnets from (empty: Docker's default, 10.0.0.0/8).
     */
    public record SwarmSpec(List<String> managers, List<String> workers, int dataPathPort, RegistrySpec registry,
            List<SwarmService> services, Map<String, String> availability, List<SwarmStack> stacks, Prometheus prometheus,
            List<String> defaultAddrPool) {
        public static final int DEFAULT_DATA_PATH_PORT = 4789;

        /** Managers first, then workers: every node of the swarm. */
        public List<String> nodes() {
            List<String> all = new java.util.ArrayList<>(managers);
            all.addAll(workers);
            return all;
        }
    }

    /**
     * R20: a compose file deployed as a stack. {@code source} is a directory next to the lab file (its
     * {@code files}, keyed by their path in it, travel with the lab: {@code labforge apply} sends them);
     * {@code compose} the file in it; the images with a {@code build:} section are built on {@code buildOn}
     * and pushed; {@code env} the variables the compose file is read with (Labforge adds {@code REGISTRY},
     * the lab's registry, unless given).
     */
    public record SwarmStack(String name, String source, String compose, String buildOn, Map<String, String> env,
            Map<String, String> files) {
    }

    /**
     * R23: Prometheus as a Swarm service on {@code node}, publishing {@code port}, scraping every swarm
     * node's Docker metrics ({@code docker.metrics-addr}, R15); the target list is generated from the lab.
     * {@code publishMode} as a service's ({@code ingress} by default).
     */
    public record Prometheus(String image, String node, int port, String publishMode) {
        public static final String DEFAULT_IMAGE = "prom/prometheus:v2.53.0";
    }

    /**
     * R18: a replicated service. {@code ports} {@code published:target[/udp]}; {@code publishMode}
     * {@code ingress} (default: the routing mesh) or {@code host}; {@code endpointMode} {@code vip}
     * (default) or {@code dnsrr} (for kernels without IPVS, see MACHINE.md).
     */
    public record SwarmService(String name, String image, int replicas, List<String> constraints, List<String> ports,
            Map<String, String> labels, List<String> command, String publishMode, String endpointMode) {
    }

    /** R19: a registry on {@code host}, TLS from the lab's CA, trusted by every swarm node. */
    public record RegistrySpec(String host, int port) {
    }

    public record KubernetesSpec(String controlPlane, List<String> workers, String podNetworkCidr) {
    }

    public Optional<Host> host(String hostName) {
        return hosts.stream().filter(h -> h.name().equals(hostName)).findFirst();
    }

    /** The host's name with the lab's domain, or the bare name when the lab has none. */
    public String fqdn(Host host) {
        return domain == null ? host.name() : host.name() + "." + domain;
    }

    /** The firewall a host gets: its roles' openings, in the order named, then its own. */
    public FirewallSpec firewallOf(Host host) {
        FirewallSpec f = FirewallSpec.EMPTY;
        for (String r : host.roles()) {
            f = f.merge(roles.get(r).firewall());
        }
        return f.merge(host.firewall());
    }

    /** The daemon settings a host gets: its roles' settings, then its own, later ones winning. */
    public DockerSpec dockerOf(Host host) {
        DockerSpec d = DockerSpec.EMPTY;
        for (String r : host.roles()) {
            d = d.merge(roles.get(r).docker());
        }
        return d.merge(host.docker());
    }

    /** The registries a host trusts: its roles' then its own, one CA per registry, the host's winning. */
    public List<RegistryTrust> registryTrustOf(Host host) {
        Map<String, RegistryTrust> m = new LinkedHashMap<>();
        for (String r : host.roles()) {
            roles.get(r).registryTrust().forEach(t -> m.put(t.registry(), t));
        }
        host.registryTrust().forEach(t -> m.put(t.registry(), t));
        return List.copyOf(m.values());
    }

    public List<String> hostNames() {
        List<String> names = new ArrayList<>();
        hosts.forEach(h -> names.add(h.name()));
        return names;
    }
}
