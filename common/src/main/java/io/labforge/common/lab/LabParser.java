package io.labforge.common.lab;

import io.labforge.common.lab.Lab.DiskSpec;
import io.labforge.common.lab.Lab.DockerSpec;
import io.labforge.common.lab.Lab.FailurePolicy;
import io.labforge.common.lab.Lab.FirewallSpec;
import io.labforge.common.lab.Lab.GitlabSpec;
import io.labforge.common.lab.Lab.Host;
import io.labforge.common.lab.Lab.KubernetesSpec;
import io.labforge.common.lab.Lab.Role;
import io.labforge.common.lab.Lab.SwarmSpec;
import io.labforge.common.lab.Lab.VolumeSpec;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads and validates a lab file. Every error is collected, with its path, line and fix; a lab is
 * returned only when there is none, so nothing is ever applied from a lab that failed validation.
 */
public final class LabParser {
    private static final Pattern HOST_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern DNS_NAME = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:]{2,39}");
    private static final Pattern ZONE = Pattern.compile("[A-Za-z0-9_-]{1,17}");
    private static final Pattern SERVICE = Pattern.compile("[a-z0-9][a-z0-9_.+-]{0,63}");
    private static final Pattern ABSOLUTE_PATH = Pattern.compile("/[A-Za-z0-9._/@+-]*");
    private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern VG_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]{0,126}");

    private static final Set<String> TOP = Set.of("apiVersion", "kind", "name", "domain", "onFailure", "roles", "hosts",
            "gitlab", "swarm", "kubernetes");
    private static final Set<String> HOST = Set.of("name", "address", "roles", "firewall", "docker", "disks", "registryTrust", "kind");
    private static final Set<String> ROLE = Set.of("firewall", "docker", "registryTrust");
    private static final Set<String> TRUST = Set.of("registry", "ca");
    private static final Set<String> FIREWALL = Set.of("zone", "ports", "services");
    private static final Set<String> DOCKER = Set.of("data-root", "metrics-addr", "experimental", "insecure-registries",
            "tls-port");
    private static final Set<String> DISK = Set.of("device", "serial", "size", "volumeGroup", "volumes");
    private static final Set<String> VOLUME = Set.of("name", "size", "filesystem", "mount", "allowShrink");
    private static final Set<String> GITLAB = Set.of("host", "externalUrl", "registryPort", "install", "rootPassword", "token", "image",
            "packageRepository", "monitoringAllow", "images", "tls", "runners",
            "projects", "hooksDir");
    private static final Set<String> GITLAB_RUNNER = Set.of("name", "host", "executor", "tags", "runUntagged", "image");
    private static final Pattern SECRET_NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");
    private static final Pattern RUNNER_TAG = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");
    private static final Set<String> SWARM = Set.of("managers", "workers", "dataPathPort", "registry", "services", "availability",
            "stacks", "prometheus", "defaultAddrPool");
    private static final Set<String> STACK = Set.of("name", "source", "compose", "buildOn", "env");
    private static final Set<String> PROMETHEUS = Set.of("image", "node", "port", "publishMode");
    private static final Pattern STACK_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Pattern RELATIVE_PATH = Pattern.compile("(?!/)(?!.*(^|/)\\.\\.(/|$))[A-Za-z0-9._/-]{1,200}");
    private static final Set<String> SWARM_SERVICE = Set.of("name", "image", "replicas", "constraints", "ports", "labels", "command",
            "publishMode", "endpointMode");
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,127}");
    private static final Pattern SERVICE_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
    private static final Pattern SERVICE_PORT = Pattern.compile("(\\d{1,5}):(\\d{1,5})(/(tcp|udp))?");
    private static final Set<String> REGISTRY = Set.of("host", "port");
    private static final Set<String> KUBERNETES = Set.of("controlPlane", "workers", "podNetworkCidr");

    /** The result of reading a file: a lab, or the list of everything wrong with it. */
    public record Result(Lab lab, List<LabError> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    private LabParser() {
    }

    /** Parses and validates; throws with every error when the file is not a valid lab. */
    public static Lab parse(String yaml, String source) {
        Result r = read(yaml);
        if (!r.ok()) {
            throw new LabValidationException(source, r.errors());
        }
        return r.lab();
    }

    /**
     * Reads a lab stored before (its stacks' files are not at hand: {@link Lab.SwarmStack#files()} is
     * empty and not checked).
     */
    public static Result read(String yaml) {
        return read(yaml, null);
    }

    /**
     * Reads a lab submitted with the files it names ({@code files}: path relative to the lab file →
     * content, as {@link LabFiles} collects them); a stack whose compose file is not among them is an error.
     */
    public static Result read(String yaml, Map<String, String> files) {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(true); // duplicates are reported by the walker, with a path
            options.setCodePointLimit(4 * 1024 * 1024);
            root = new Yaml(new SafeConstructor(options)).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            return new Result(null, List.of(new LabError("", line, "not valid YAML: " + e.getProblem(),
                    "correct the YAML syntax near this line (indentation, a missing ':' or quote)")));
        } catch (YAMLException e) {
            return new Result(null, List.of(new LabError("", 0, "not valid YAML: " + e.getMessage(),
                    "correct the YAML syntax")));
        }
        if (root == null) {
            return new Result(null, List.of(new LabError("", 0, "the file is empty",
                    "start from examples/local-lab.yaml")));
        }
        return new LabParser.Reader(files).lab(root);
    }

    private static final class Reader {
        private final YamlWalker w = new YamlWalker();
        private final Map<String, String> files;

        Reader(Map<String, String> files) {
            this.files = files;
        }

        Result lab(Node root) {
            Map<String, Node> top = w.mapping(root, "", TOP, Set.of("apiVersion", "kind", "name", "hosts"));
            String api = w.string(top.get("apiVersion"), "apiVersion");
            if (api != null && !api.equals(Lab.API_VERSION)) {
                w.error("apiVersion", "apiVersion '" + api + "' is not supported", "write apiVersion: " + Lab.API_VERSION);
            }
            String kind = w.string(top.get("kind"), "kind");
            if (kind != null && !kind.equals("Lab")) {
                w.error("kind", "kind '" + kind + "' is not supported", "write kind: Lab");
            }
            String name = w.string(top.get("name"), "name");
            if (name != null && !HOST_LABEL.matcher(name).matches()) {
                w.error("name", "lab name '" + name + "' is not valid",
                        "use 1 to 63 lowercase letters, digits or '-', starting and ending with a letter or digit");
            }
            String domain = w.string(top.get("domain"), "domain");
            if (domain != null && !DNS_NAME.matcher(domain).matches()) {
                w.error("domain", "domain '" + domain + "' is not a valid DNS name", "use lowercase labels separated by dots, e.g. lab.example");
            }
            FailurePolicy policy = FailurePolicy.PAUSE;
            String p = w.string(top.get("onFailure"), "onFailure");
            if (p != null) {
                try {
                    policy = FailurePolicy.valueOf(p.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    w.error("onFailure", "'" + p + "' is not a failure policy", "write pause (the default) or compensate");
                }
            }
            Map<String, Role> roles = roles(top.get("roles"));
            List<Host> hosts = hosts(top.get("hosts"), roles);
            GitlabSpec gitlab = gitlab(top.get("gitlab"), hosts);
            SwarmSpec swarm = swarm(top.get("swarm"), hosts, roles);
            KubernetesSpec k8s = kubernetes(top.get("kubernetes"), hosts);
            if (swarm != null && k8s != null && swarm.dataPathPort() == SwarmSpec.DEFAULT_DATA_PATH_PORT) {
                List<String> both = new ArrayList<>(swarmHosts(swarm));
                both.retainAll(k8sHosts(k8s));
                if (!both.isEmpty()) {
                    w.error("swarm.dataPathPort", "hosts " + both + " are in the swarm and the Kubernetes cluster, and both "
                            + "Swarm's overlay and Calico's VXLAN use UDP 4789 (R26)",
                            "set swarm.dataPathPort to another port, e.g. 4790, or keep the clusters on separate hosts");
                }
            }
            if (!w.errors.isEmpty()) {
                return new Result(null, List.copyOf(w.errors));
            }
            return new Result(new Lab(name, domain, policy, roles, hosts, gitlab, swarm, k8s), List.of());
        }

        private Map<String, Role> roles(Node node) {
            Map<String, Role> roles = new LinkedHashMap<>();
            if (node == null) {
                return roles;
            }
            Map<String, Node> entries = w.mapping(node, "roles", new AnySet(), Set.of());
            for (Map.Entry<String, Node> e : entries.entrySet()) {
                String path = "roles." + e.getKey();
                if (!HOST_LABEL.matcher(e.getKey()).matches()) {
                    w.error(path, "role name '" + e.getKey() + "' is not valid", "use lowercase letters, digits or '-'");
                }
                Map<String, Node> r = w.mapping(e.getValue(), path, ROLE, Set.of());
                roles.put(e.getKey(), new Role(e.getKey(), firewall(r.get("firewall"), path + ".firewall"),
                        docker(r.get("docker"), path + ".docker"), trust(r.get("registryTrust"), path + ".registryTrust")));
            }
            return roles;
        }

        private List<Host> hosts(Node node, Map<String, Role> roles) {
            List<Host> hosts = new ArrayList<>();
            Map<String, String> names = new HashMap<>();
            Map<String, String> addresses = new HashMap<>();
            List<Node> items = w.sequence(node, "hosts");
            if (node != null && items.isEmpty() && w.errors.stream().noneMatch(e -> e.path().equals("hosts"))) {
                w.error("hosts", node, "the lab has no hosts", "list at least one host under hosts:");
            }
            for (int i = 0; i < items.size(); i++) {
                String path = "hosts[" + i + "]";
                Map<String, Node> h = w.mapping(items.get(i), path, HOST, Set.of("name", "address"));
                String name = w.string(h.get("name"), path + ".name");
                if (name != null) {
                    if (!HOST_LABEL.matcher(name).matches()) {
                        w.error(path + ".name", "host name '" + name + "' is not a valid hostname",
                                "use 1 to 63 lowercase letters, digits or '-', starting and ending with a letter or digit (RFC 1123)");
                    } else if (names.containsKey(name)) {
                        w.error(path + ".name", "host name '" + name + "' is already used by " + names.get(name),
                                "give each host a unique name");
                    } else {
                        names.put(name, path);
                    }
                }
                String address = w.string(h.get("address"), path + ".address");
                if (address != null) {
                    if (!isAddress(address)) {
                        w.error(path + ".address", "'" + address + "' is not an IPv4 or IPv6 address",
                                "write the host's literal address, e.g. 192.168.56.10");
                    } else if (addresses.containsKey(address)) {
                        w.error(path + ".address", "address " + address + " is already used by " + addresses.get(address),
                                "give each host its own address");
                    } else {
                        addresses.put(address, path);
                    }
                }
                List<String> hostRoles = w.strings(h.get("roles"), path + ".roles");
                for (int r = 0; r < hostRoles.size(); r++) {
                    if (!roles.containsKey(hostRoles.get(r))) {
                        String near = YamlWalker.nearest(hostRoles.get(r), roles.keySet());
                        w.error(path + ".roles[" + r + "]", "role '" + hostRoles.get(r) + "' is not defined under roles:",
                                (near != null ? "did you mean '" + near + "'? " : "") + "define it under roles: or remove it");
                    }
                }
                FirewallSpec fw = firewall(h.get("firewall"), path + ".firewall");
                DockerSpec docker = docker(h.get("docker"), path + ".docker");
                List<DiskSpec> disks = disks(h.get("disks"), path + ".disks");
                List<Lab.RegistryTrust> trust = trust(h.get("registryTrust"), path + ".registryTrust");
                // a host with disks is a VM unless the lab says otherwise (and then it is an error below)
                Lab.Kind kind = disks.isEmpty() ? Lab.Kind.CONTAINER : Lab.Kind.VM;
                String k = w.string(h.get("kind"), path + ".kind");
                if (k != null) {
                    switch (k) {
                        case "container" -> kind = Lab.Kind.CONTAINER;
                        case "vm" -> kind = Lab.Kind.VM;
                        default -> w.error(path + ".kind", "kind '" + k + "' is not known", "write container or vm");
                    }
                }
                if (!disks.isEmpty() && kind == Lab.Kind.CONTAINER && h.get("kind") != null) {
                    w.error(path + ".disks", "a container cannot hold LVM disks (no device-mapper in containers)",
                            "write kind: vm for this host, or remove its disks");
                }
                hosts.add(new Host(name, address, List.copyOf(hostRoles), fw, docker, disks, trust, kind));
            }
            return hosts;
        }

        private FirewallSpec firewall(Node node, String path) {
            if (node == null) {
                return FirewallSpec.EMPTY;
            }
            Map<String, Node> f = w.mapping(node, path, FIREWALL, Set.of());
            String zone = w.string(f.get("zone"), path + ".zone");
            if (zone != null && !ZONE.matcher(zone).matches()) {
                w.error(path + ".zone", "'" + zone + "' is not a firewalld zone name", "use letters, digits, '-' or '_', e.g. public");
            }
            
            List<String> raw = w.strings(f.get("ports"), path + ".ports");
            List<PortRange> parsed = new ArrayList<>();
            for (int i = 0; i < raw.size(); i++) {
                try {
                    parsed.add(PortRange.parse(raw.get(i)));
                } catch (IllegalArgumentException e) {
                    w.error(path + ".ports[" + i + "]", "'" + raw.get(i) + "' is not a valid port",
                            "write <port>/<tcp|udp> with a port from 1 to 65535, e.g. 2377/tcp or 30000-32767/tcp");
                }
            }
            List<String> services = w.strings(f.get("services"), path + ".services");
            for (int i = 0; i < services.size(); i++) {
                if (!SERVICE.matcher(services.get(i)).matches()) {
                    w.error(path + ".services[" + i + "]", "'" + services.get(i) + "' is not a firewalld service name",
                            "use a name from 'firewall-cmd --get-services', e.g. https");
                }
            }
            return new FirewallSpec(zone, List.copyOf(parsed), List.copyOf(services));
        }

        private DockerSpec docker(Node node, String path) {
            if (node == null) {
                return DockerSpec.EMPTY;
            }
            Map<String, Node> d = w.mapping(node, path, DOCKER, Set.of());
            String dataRoot = w.string(d.get("data-root"), path + ".data-root");
            if (dataRoot != null && !ABSOLUTE_PATH.matcher(dataRoot).matches()) {
                w.error(path + ".data-root", "'" + dataRoot + "' is not an absolute path", "write a path such as /data/docker");
            }
            String metrics = w.string(d.get("metrics-addr"), path + ".metrics-addr");
            if (metrics != null && !isHostPort(metrics)) {
                w.error(path + ".metrics-addr", "'" + metrics + "' is not an address:port", "write e.g. 0.0.0.0:9323 (R15)");
            }
            Boolean experimental = w.bool(d.get("experimental"), path + ".experimental");
            List<String> insecure = d.containsKey("insecure-registries")
                    ? w.strings(d.get("insecure-registries"), path + ".insecure-registries") : null;
            if (insecure != null) {
                for (int i = 0; i < insecure.size(); i++) {
                    if (!isHostPort(insecure.get(i)) && !DNS_NAME.matcher(insecure.get(i)).matches()) {
                        w.error(path + ".insecure-registries[" + i + "]", "'" + insecure.get(i) + "' is not a registry host[:port]",
                                "write e.g. registry.lab.example:5000");
                    }
                }
            }
            Integer tlsPort = w.integer(d.get("tls-port"), path + ".tls-port", 1, 65535, "port");
            return new DockerSpec(dataRoot, metrics, experimental, insecure == null ? null : List.copyOf(insecure), tlsPort);
        }

        private List<Lab.RegistryTrust> trust(Node node, String path) {
            List<Lab.RegistryTrust> out = new ArrayList<>();
            List<Node> items = w.sequence(node, path);
            for (int i = 0; i < items.size(); i++) {
                String p = path + "[" + i + "]";
                Map<String, Node> t = w.mapping(items.get(i), p, TRUST, Set.of("registry", "ca"));
                String registry = w.string(t.get("registry"), p + ".registry");
                if (registry != null && !isHostPort(registry) && !DNS_NAME.matcher(registry).matches()) {
                    w.error(p + ".registry", "'" + registry + "' is not a registry host[:port]", "write e.g. gitlab.tp2.lab:5050");
                }
                String ca = w.string(t.get("ca"), p + ".ca");
                if (ca != null && !isCertificate(ca)) {
                    w.error(p + ".ca", "not a PEM X.509 certificate",
                            "paste the CA certificate, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----, as a block (ca: |)");
                }
                if (registry != null && ca != null) {
                    out.add(new Lab.RegistryTrust(registry, ca));
                }
            }
            return List.copyOf(out);
        }

        private List<DiskSpec> disks(Node node, String path) {
            List<DiskSpec> disks = new ArrayList<>();
            Map<String, String> devices = new HashMap<>();
            Map<String, String> mounts = new HashMap<>();
            Map<String, String> groups = new HashMap<>();
            List<Node> items = w.sequence(node, path);
            for (int i = 0; i < items.size(); i++) {
                String dp = path + "[" + i + "]";
                Map<String, Node> d = w.mapping(items.get(i), dp, DISK, Set.of("volumeGroup"));
                String device = w.string(d.get("device"), dp + ".device");
                String serial = w.string(d.get("serial"), dp + ".serial");
                if (serial != null && !SERIAL.matcher(serial).matches()) {
                    w.error(dp + ".serial", "'" + serial + "' is not a disk serial", "write the serial lsblk shows (letters, digits, '-', '_', '.')");
                }
                if (device == null && serial == null && d.get("size") == null) {
                    w.error(dp, "the disk is not named", "give its device (e.g. /dev/vdb), its serial, or its size");
                }
                if (device != null) {
                    if (!device.startsWith("/dev/") || !ABSOLUTE_PATH.matcher(device).matches()) {
                        w.error(dp + ".device", "'" + device + "' is not a device path", "write e.g. /dev/vdb or /dev/disk/by-id/...");
                    } else if (devices.putIfAbsent(device, dp) != null) {
                        w.error(dp + ".device", "device " + device + " is already used by " + devices.get(device), "name each disk once");
                    }
                }
                Size diskSize = size(d.get("size"), dp + ".size", false);
                String vg = w.string(d.get("volumeGroup"), dp + ".volumeGroup");
                if (vg != null && !VG_NAME.matcher(vg).matches()) {
                    w.error(dp + ".volumeGroup", "'" + vg + "' is not a volume group name", "use letters, digits, '_', '.', '+' or '-'");
                } else if (vg != null && groups.putIfAbsent(vg, dp) != null) {
                    w.error(dp + ".volumeGroup", "volume group " + vg + " is already made from " + groups.get(vg),
                            "give each disk its own volume group");
                }
                List<VolumeSpec> volumes = new ArrayList<>();
                List<Node> vs = w.sequence(d.get("volumes"), dp + ".volumes");
                long fixed = 0;
                for (int v = 0; v < vs.size(); v++) {
                    String vp = dp + ".volumes[" + v + "]";
                    Map<String, Node> vol = w.mapping(vs.get(v), vp, VOLUME, Set.of("name", "size"));
                    String name = w.string(vol.get("name"), vp + ".name");
                    if (name != null && !VG_NAME.matcher(name).matches()) {
                        w.error(vp + ".name", "'" + name + "' is not a logical volume name", "use letters, digits, '_', '.', '+' or '-'");
                    }
                    Size size = size(vol.get("size"), vp + ".size", true);
                    if (size != null && !size.isPercent()) {
                        fixed += size.bytes();
                        if (diskSize != null && fixed > diskSize.bytes()) {
                            w.error(vp + ".size", "the volumes need " + new Size(fixed, 0) + " but the disk has " + diskSize,
                                    "make the volumes fit in " + diskSize + " (sizes are binary: 1G = 1024M), or use a larger disk");
                        }
                    }
                    String fs = w.string(vol.get("filesystem"), vp + ".filesystem");
                    if (fs != null && !fs.equals("ext4") && !fs.equals("xfs")) {
                        w.error(vp + ".filesystem", "filesystem '" + fs + "' is not supported", "use ext4 or xfs");
                    }
                    String mount = w.string(vol.get("mount"), vp + ".mount");
                    if (mount != null) {
                        if (!ABSOLUTE_PATH.matcher(mount).matches() || mount.equals("/")) {
                            w.error(vp + ".mount", "'" + mount + "' is not a mount point Labforge can use", "write an absolute path such as /data");
                        } else if (mounts.putIfAbsent(mount, vp) != null) {
                            w.error(vp + ".mount", "mount point " + mount + " is already used by " + mounts.get(mount), "mount each volume on its own path");
                        }
                        if (fs == null) {
                            w.error(vp + ".filesystem", "a mounted volume needs a filesystem", "add filesystem: ext4");
                        }
                    }
                    boolean shrink = Boolean.TRUE.equals(w.bool(vol.get("allowShrink"), vp + ".allowShrink"));
                    volumes.add(new VolumeSpec(name, size, fs == null ? null : fs, mount, shrink));
                }
                disks.add(new DiskSpec(device, serial, diskSize, vg, List.copyOf(volumes)));
            }
            return disks;
        }

        private Size size(Node node, String path, boolean percentAllowed) {
            String s = w.string(node, path);
            if (s == null) {
                return null;
            }
            try {
                Size size = Size.parse(s);
                if (size.isPercent() && !percentAllowed) {
                    w.error(path, "a disk's size cannot be a percentage", "write its size, e.g. 30G");
                    return null;
                }
                return size;
            } catch (IllegalArgumentException e) {
                w.error(path, "'" + s + "' is not a size", "write e.g. 15G, 512M" + (percentAllowed ? " or 100%FREE" : ""));
                return null;
            }
        }

        private GitlabSpec gitlab(Node node, List<Host> hosts) {
            if (node == null) {
                return null;
            }
            Map<String, Node> g = w.mapping(node, "gitlab", GITLAB, Set.of("host"));
            String host = hostRef(g.get("host"), "gitlab.host", hosts);
            String url = w.string(g.get("externalUrl"), "gitlab.externalUrl");
            if (url != null) {
                try {
                    URI u = new URI(url);
                    if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme()) || u.getHost() == null) {
                        throw new URISyntaxException(url, "not http(s)");
                    }
                } catch (URISyntaxException e) {
                    w.error("gitlab.externalUrl", "'" + url + "' is not an http(s) URL", "write e.g. https://gitlab.lab.example (R5)");
                }
            }
            Integer port = w.integer(g.get("registryPort"), "gitlab.registryPort", 1, 65535, "port");
            String install = w.string(g.get("install"), "gitlab.install");
            if (install != null && !install.equals("omnibus") && !install.equals("container") && !install.equals("existing")) {
                w.error("gitlab.install", "install '" + install + "' is not known",
                        "write omnibus (the package), container (gitlab/gitlab-ce) or existing (a GitLab already running)");
            }
            String secret = secretRef(g.get("rootPassword"), "gitlab.rootPassword", "GITLAB_ROOT_PASSWORD", "a password");
            String token = secretRef(g.get("token"), "gitlab.token", "GITLAB_TOKEN", "a token");
            if ("existing".equals(install) && token == null && !g.containsKey("token")) {
                w.error("gitlab.token", node, "with install: existing Labforge cannot make its own API token on the GitLab host",
                        "make a personal access token (scopes api, write_repository) for an administrator, then write token: {secret: GITLAB_TOKEN}");
            }
            String image = w.string(g.get("image"), "gitlab.image");
            if (image != null && !"container".equals(install)) {
                w.error("gitlab.image", "an image is used only with install: container", "remove image, or write install: container");
            }
            String packages = w.string(g.get("packageRepository"), "gitlab.packageRepository");
            if (packages != null && !packages.matches("https?://[^\\s'\"]+")) {
                w.error("gitlab.packageRepository", "'" + packages + "' is not an http(s) URL", "write e.g. https://packages.gitlab.com (or a mirror of it)");
            }
            List<String> allow = w.strings(g.get("monitoringAllow"), "gitlab.monitoringAllow");
            for (int i = 0; i < allow.size(); i++) {
                if (!Cidr.valid(allow.get(i))) {
                    w.error("gitlab.monitoringAllow[" + i + "]", "'" + allow.get(i) + "' is not an IPv4 address range", "write e.g. 10.78.0.1/32");
                }
            }
            List<Lab.GitlabRunner> runners = new ArrayList<>();
            Set<String> runnerNames = new java.util.HashSet<>();
            List<Node> items = w.sequence(g.get("runners"), "gitlab.runners");
            for (int i = 0; i < items.size(); i++) {
                String rp = "gitlab.runners[" + i + "]";
                Map<String, Node> r = w.mapping(items.get(i), rp, GITLAB_RUNNER, Set.of("host", "executor"));
                String rhost = hostRef(r.get("host"), rp + ".host", hosts);
                String executor = w.string(r.get("executor"), rp + ".executor");
                if (executor != null && !executor.equals("docker") && !executor.equals("shell")) {
                    w.error(rp + ".executor", "executor '" + executor + "' is not one Labforge sets up", "write docker or shell (R9)");
                }
                List<String> tags = w.strings(r.get("tags"), rp + ".tags");
                for (int t = 0; t < tags.size(); t++) {
                    if (!RUNNER_TAG.matcher(tags.get(t)).matches()) {
                        w.error(rp + ".tags[" + t + "]", "'" + tags.get(t) + "' is not a runner tag", "use lowercase letters, digits, '.', '_' or '-'");
                    }
                }
                String name = w.string(r.get("name"), rp + ".name");
                if (name == null) {
                    name = (rhost == null ? "runner" : rhost) + "-" + (executor == null ? i : executor);
                }
                if (!SERVICE_NAME.matcher(name).matches()) {
                    w.error(rp + ".name", "'" + name + "' is not a runner name", "use letters, digits, '_', '.' or '-'");
                } else if (!runnerNames.add(name)) {
                    w.error(rp + ".name", "runner " + name + " is defined twice", "give each runner its own name (two runners on one host with "
                            + "one executor need names)");
                }
                Boolean untagged = w.bool(r.get("runUntagged"), rp + ".runUntagged");
                String rimage = w.string(r.get("image"), rp + ".image");
                if (rimage != null && !"docker".equals(executor)) {
                    w.error(rp + ".image", "only a docker runner has a default image", "remove image, or write executor: docker");
                }
                runners.add(new Lab.GitlabRunner(name, rhost, executor, tags, untagged != null && untagged, rimage));
            }
            List<String> projects = w.strings(g.get("projects"), "gitlab.projects");
            for (int i = 0; i < projects.size(); i++) {
                if (!GitlabSpec.KNOWN_PROJECTS.contains(projects.get(i))) {
                    w.error("gitlab.projects[" + i + "]", "Labforge does not know how to seed a project '" + projects.get(i) + "'",
                            "name one of " + GitlabSpec.KNOWN_PROJECTS);
                }
            }
            List<Lab.GitlabImage> images = new ArrayList<>();
            List<Node> imageItems = w.sequence(g.get("images"), "gitlab.images");
            for (int i = 0; i < imageItems.size(); i++) {
                String ip = "gitlab.images[" + i + "]";
                Map<String, Node> m = w.mapping(imageItems.get(i), ip, Set.of("project", "name", "from", "tag"), Set.of("project", "name", "from"));
                String project = w.string(m.get("project"), ip + ".project");
                String iname = w.string(m.get("name"), ip + ".name");
                String from = w.string(m.get("from"), ip + ".from");
                String tag = w.string(m.get("tag"), ip + ".tag");
                if (project != null && !projects.contains(project)) {
                    w.error(ip + ".project", "'" + project + "' is not one of the lab's projects " + projects, "name a project listed under gitlab.projects");
                }
                if (iname != null && !iname.matches("[a-z0-9]+(?:[._-][a-z0-9]+)*")) {
                    w.error(ip + ".name", "'" + iname + "' is not an image name", "use lower-case letters, digits, '.', '_' or '-'");
                }
                if (tag != null && !tag.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")) {
                    w.error(ip + ".tag", "'" + tag + "' is not an image tag", "use letters, digits, '_', '.' or '-' (at most 128)");
                }
                if (from != null && !from.matches("[A-Za-z0-9][A-Za-z0-9._/:@-]*")) {
                    w.error(ip + ".from", "'" + from + "' is not an image reference", "write e.g. debian:bookworm");
                }
                if (port == null) {
                    w.error(ip, imageItems.get(i), "an image is pushed to GitLab's registry and the lab enables none", "give gitlab.registryPort (e.g. 5050)");
                }
                images.add(new Lab.GitlabImage(project, iname, from, tag == null ? "latest" : tag));
            }
            Lab.GitlabTls tls = gitlabTls(g.get("tls"), url, install);
            String hooksDir = w.string(g.get("hooksDir"), "gitlab.hooksDir");
            if (hooksDir != null && (!hooksDir.startsWith("/") || hooksDir.contains(".."))) {
                w.error("gitlab.hooksDir", "'" + hooksDir + "' is not an absolute directory", "write e.g. " + GitlabSpec.DEFAULT_HOOKS_DIR);
            }
            if (url == null && host != null) {
                w.error("gitlab", node, "the lab's GitLab has no externalUrl", "write externalUrl: https://" + host + ".<domain> (R5)");
            }
            return new GitlabSpec(host, url, port, install == null ? "omnibus" : install, secret, List.copyOf(runners), List.copyOf(projects),
                    hooksDir == null ? GitlabSpec.DEFAULT_HOOKS_DIR : hooksDir, token, image, packages, List.copyOf(allow), List.copyOf(images), tls);
        }

        /**
         * {@code tls: {certificate, ca, key: {secret}}}: files next to the lab, checked as far as a lab
         * can be: PEM certificates, the certificate signed by the CA, naming the URL's host.
         */
        private Lab.GitlabTls gitlabTls(Node node, String url, String install) {
            if (node == null) {
                return null;
            }
            if (node instanceof org.yaml.snakeyaml.nodes.ScalarNode sc && "public".equals(sc.getValue())) {
                if (!"existing".equals(install)) {
                    w.error("gitlab.tls", node, "tls: public is for install: existing (a GitLab with a certificate from a public CA)",
                            "remove it (the lab's CA signs the certificate), or give {certificate, ca, key: {secret}}");
                }
                return Lab.GitlabTls.PUBLIC;
            }
            Map<String, Node> t = w.mapping(node, "gitlab.tls", Set.of("certificate", "ca", "key"), Set.of("certificate", "ca", "key"));
            String cert = w.string(t.get("certificate"), "gitlab.tls.certificate");
            String ca = w.string(t.get("ca"), "gitlab.tls.ca");
            String key = secretRef(t.get("key"), "gitlab.tls.key", "GITLAB_TLS_KEY", "a private key");
            if ("existing".equals(install)) {
                w.error("gitlab.tls", node, "an existing GitLab keeps the TLS it has", "remove tls, or let Labforge install GitLab");
            }
            String certPem = tlsFile(cert, "gitlab.tls.certificate", t.get("certificate"));
            String caPem = tlsFile(ca, "gitlab.tls.ca", t.get("ca"));
            if (certPem != null && caPem != null) {
                try {
                    java.security.cert.X509Certificate c = io.labforge.common.tls.Pki.certificate(certPem);
                    java.security.cert.X509Certificate a = io.labforge.common.tls.Pki.certificate(caPem);
                    try {
                        c.verify(a.getPublicKey());
                    } catch (java.security.GeneralSecurityException e) {
                        w.error("gitlab.tls.certificate", t.get("certificate"), cert + " is not signed by " + ca,
                                "give the CA that issued the certificate in gitlab.tls.ca");
                    }
                    String host = url == null ? null : URI.create(url).getHost();
                    List<String> names = new ArrayList<>();
                    if (c.getSubjectAlternativeNames() != null) {
                        c.getSubjectAlternativeNames().forEach(n -> names.add(String.valueOf(n.get(1))));
                    }
                    if (host != null && !names.contains(host)) {
                        w.error("gitlab.tls.certificate", t.get("certificate"), cert + " names " + names + ", not " + host,
                                "use a certificate whose subject alternative names hold " + host);
                    }
                } catch (IllegalArgumentException | java.security.cert.CertificateParsingException e) {
                    w.error("gitlab.tls", node, "the certificate or the CA is not a PEM certificate", "give PEM files (-----BEGIN CERTIFICATE-----)");
                }
            }
            return new Lab.GitlabTls(cert, ca, key, certPem, caPem);
        }

        private String tlsFile(String path, String at, Node n) {
            if (path == null || files == null) {
                return null;
            }
            String content = files.get(java.nio.file.Path.of(path).normalize().toString().replace('\\', '/'));
            if (content == null) {
                w.error(at, n, path + " did not come with the lab", "put it next to the lab file and submit with labforge apply, which sends it; "
                        + "over the API, POST application/json {\"lab\": …, \"files\": {…}}");
            }
            return content;
        }

        /** {@code {secret: NAME}}: the name of a secret the orchestrator holds; a value written in the lab is an error that does not echo it. */
        private String secretRef(Node n, String path, String example, String what) {
            if (n instanceof org.yaml.snakeyaml.nodes.ScalarNode) {
                // a secret written in the lab file would end up in Git, the database and the audit log
                w.error(path, n, what + " is never written in the lab file",
                        "write " + path.substring(path.lastIndexOf('.') + 1) + ": {secret: " + example + "} and give the orchestrator that secret");
                return null;
            }
            if (n == null) {
                return null;
            }
            Map<String, Node> ref = w.mapping(n, path, Set.of("secret"), Set.of("secret"));
            String name = w.string(ref.get("secret"), path + ".secret");
            if (name != null && !SECRET_NAME.matcher(name).matches()) {
                w.error(path + ".secret", "'" + name + "' is not a secret's name", "use capitals, digits and '_', e.g. " + example);
                return null;
            }
            return name;
        }

        private SwarmSpec swarm(Node node, List<Host> hosts, Map<String, Role> roles) {
            if (node == null) {
                return null;
            }
            Map<String, Node> s = w.mapping(node, "swarm", SWARM, Set.of("managers"));
            List<String> managers = hostRefs(s.get("managers"), "swarm.managers", hosts);
            List<String> workers = hostRefs(s.get("workers"), "swarm.workers", hosts);
            for (String m : managers) {
                if (workers.contains(m)) {
                    w.error("swarm.workers", "host '" + m + "' is both a manager and a worker", "list it once, as a manager (managers also run tasks)");
                }
            }
            if (s.containsKey("managers") && managers.isEmpty()) {
                w.error("swarm.managers", "a swarm needs at least one manager", "name a host under swarm.managers");
            }
            Integer port = w.integer(s.get("dataPathPort"), "swarm.dataPathPort", 1024, 65535, "port");
            Lab.RegistrySpec registry = null;
            if (s.get("registry") != null) {
                Map<String, Node> r = w.mapping(s.get("registry"), "swarm.registry", REGISTRY, Set.of("host"));
                String host = w.string(r.get("host"), "swarm.registry.host");
                if (host != null && hosts.stream().noneMatch(x -> x.name().equals(host))) {
                    w.error("swarm.registry.host", "host '" + host + "' is not in hosts:", "name one of the lab's hosts");
                }
                Integer rp = w.integer(r.get("port"), "swarm.registry.port", 1, 65535, "port");
                registry = new Lab.RegistrySpec(host, rp == null ? 5000 : rp);
            }
            List<Lab.SwarmService> services = new ArrayList<>();
            Set<String> names = new java.util.HashSet<>();
            List<Node> items = w.sequence(s.get("services"), "swarm.services");
            for (int i = 0; i < items.size(); i++) {
                String sp = "swarm.services[" + i + "]";
                Map<String, Node> m = w.mapping(items.get(i), sp, SWARM_SERVICE, Set.of("name", "image"));
                String name = w.string(m.get("name"), sp + ".name");
                if (name != null && !SERVICE_NAME.matcher(name).matches()) {
                    w.error(sp + ".name", "'" + name + "' is not a service name", "use letters, digits, '_', '.' or '-'");
                } else if (name != null && !names.add(name)) {
                    w.error(sp + ".name", "service " + name + " is defined twice", "give each service its own name");
                }
                String image = w.string(m.get("image"), sp + ".image");
                Integer replicas = w.integer(m.get("replicas"), sp + ".replicas", 0, 1000, "number of replicas");
                List<String> ports = w.strings(m.get("ports"), sp + ".ports");
                for (int p = 0; p < ports.size(); p++) {
                    java.util.regex.Matcher pm = SERVICE_PORT.matcher(ports.get(p));
                    if (!pm.matches() || Integer.parseInt(pm.group(1)) > 65535 || Integer.parseInt(pm.group(2)) > 65535
                            || Integer.parseInt(pm.group(1)) == 0 || Integer.parseInt(pm.group(2)) == 0) {
                        w.error(sp + ".ports[" + p + "]", "'" + ports.get(p) + "' is not published:target", "write e.g. 8080:80 or 53:53/udp");
                    }
                }
                Map<String, String> labels = w.stringMap(m.get("labels"), sp + ".labels");
                for (String key : labels.keySet()) {
                    if (!LABEL_KEY.matcher(key).matches()) {
                        // also keeps '$ref', '$secret' and '$sealed' (Labforge's markers in step inputs) out of labels
                        w.error(sp + ".labels." + key, "'" + key + "' is not a label key", "use letters, digits, '.', '_', '-' or '/'");
                    }
                }
                String publish = w.string(m.get("publishMode"), sp + ".publishMode");
                if (publish != null && !publish.equals("ingress") && !publish.equals("host")) {
                    w.error(sp + ".publishMode", "publishMode '" + publish + "' is not known", "write ingress or host");
                }
                String endpoint = w.string(m.get("endpointMode"), sp + ".endpointMode");
                if (endpoint != null && !endpoint.equals("vip") && !endpoint.equals("dnsrr")) {
                    w.error(sp + ".endpointMode", "endpointMode '" + endpoint + "' is not known", "write vip or dnsrr");
                }
                services.add(new Lab.SwarmService(name, image, replicas == null ? 1 : replicas, w.strings(m.get("constraints"),
                        sp + ".constraints"), ports, labels, w.strings(m.get("command"),
                        sp + ".command"), publish == null ? "ingress" : publish, endpoint == null ? "vip" : endpoint));
            }
            Map<String, String> availability = w.stringMap(s.get("availability"), "swarm.availability");
            for (Map.Entry<String, String> a : availability.entrySet()) {
                if (!managers.contains(a.getKey()) && !workers.contains(a.getKey())) {
                    w.error("swarm.availability." + a.getKey(), "'" + a.getKey() + "' is not a node of the swarm",
                            "name one of " + managers + " " + workers);
                }
                if (!Set.of("active", "pause", "drain").contains(a.getValue())) {
                    w.error("swarm.availability." + a.getKey(), "availability '" + a.getValue() + "' is not known",
                            "write active, pause or drain");
                }
            }
            // services and availability go through the first manager's Engine API (cluster-service): it must be open
            String needsApi = !services.isEmpty() ? "swarm.services" : !availability.isEmpty() ? "swarm.availability"
                    : s.get("prometheus") != null ? "swarm.prometheus" : null;
            Host first = managers.isEmpty() ? null : hosts.stream().filter(x -> x.name().equals(managers.get(0))).findFirst().orElse(null);
            if (needsApi != null && first != null) {
                if (dockerOf(first, roles).tlsPort() == null) {
                    w.error(needsApi, "cluster-service reaches the swarm through the Engine API of " + first.name()
                            + ", which is not opened", "give " + first.name() + " (or its role) docker.tls-port, e.g. 2376");
                }
            }
            List<String> nodes = new ArrayList<>(managers);
            nodes.addAll(workers);
            List<Lab.SwarmStack> stacks = stacks(s.get("stacks"), nodes);
            Lab.Prometheus prometheus = prometheus(s.get("prometheus"), nodes, hosts, roles);
            List<String> pools = w.strings(s.get("defaultAddrPool"), "swarm.defaultAddrPool");
            for (int i = 0; i < pools.size(); i++) {
                String pool = pools.get(i);
                String where = "swarm.defaultAddrPool[" + i + "]";
                if (!Cidr.valid(pool)) {
                    w.error(where, "'" + pool + "' is not an IPv4 network", "write e.g. 10.20.0.0/16");
                    continue;
                }
                List<String> inside = hosts.stream().filter(h -> Cidr.contains(pool, h.address()))
                        .map(h -> h.name() + " (" + h.address() + ")").toList();
                if (!inside.isEmpty()) {
                    w.error(where, "the pool " + pool + " holds the lab's addresses of " + String.join(", ", inside)
                            + ": overlay networks would take addresses of the lab network", "pick a range away from the lab network");
                }
            }
            return new SwarmSpec(managers, workers, port == null ? SwarmSpec.DEFAULT_DATA_PATH_PORT : port, registry,
                    List.copyOf(services), Map.copyOf(availability), stacks, prometheus, List.copyOf(pools));
        }

        /** A host's daemon settings (its roles', then its own) while the lab is being read (as {@link Lab#dockerOf} once it is). */
        private static Lab.DockerSpec dockerOf(Host h, Map<String, Role> roles) {
            Lab.DockerSpec docker = Lab.DockerSpec.EMPTY;
            for (String r : h.roles()) {
                if (roles.containsKey(r)) {
                    docker = docker.merge(roles.get(r).docker());
                }
            }
            return docker.merge(h.docker());
        }

        /** R20: stacks; their files must have come with the lab when {@link #files} is given. */
        private List<Lab.SwarmStack> stacks(Node node, List<String> nodes) {
            List<Lab.SwarmStack> stacks = new ArrayList<>();
            Set<String> names = new java.util.HashSet<>();
            List<Node> items = w.sequence(node, "swarm.stacks");
            for (int i = 0; i < items.size(); i++) {
                String sp = "swarm.stacks[" + i + "]";
                Map<String, Node> m = w.mapping(items.get(i), sp, STACK, Set.of("name", "source"));
                String name = w.string(m.get("name"), sp + ".name");
                if (name != null && !STACK_NAME.matcher(name).matches()) {
                    w.error(sp + ".name", "'" + name + "' is not a stack name", "use up to 32 lowercase letters, digits, '_' or '-'");
                } else if (name != null && !names.add(name)) {
                    w.error(sp + ".name", "stack " + name + " is defined twice", "give each stack its own name");
                }
                String source = w.string(m.get("source"), sp + ".source");
                if (source != null && !RELATIVE_PATH.matcher(source).matches()) {
                    w.error(sp + ".source", "'" + source + "' is not a directory below the lab file's",
                            "write a relative path without '..', e.g. tp1-app");
                    source = null;
                }
                String compose = w.string(m.get("compose"), sp + ".compose");
                if (compose != null && !RELATIVE_PATH.matcher(compose).matches()) {
                    w.error(sp + ".compose", "'" + compose + "' is not a file of the stack's directory",
                            "write a relative path without '..', e.g. docker-compose.yml");
                    compose = null;
                }
                compose = compose == null ? "docker-compose.yml" : compose;
                String buildOn = w.string(m.get("buildOn"), sp + ".buildOn");
                if (buildOn != null && !nodes.contains(buildOn)) {
                    w.error(sp + ".buildOn", "'" + buildOn + "' is not a node of the swarm", "name one of " + nodes);
                }
                Map<String, String> env = w.stringMap(m.get("env"), sp + ".env");
                for (String k : env.keySet()) {
                    if (!ENV_NAME.matcher(k).matches()) {
                        w.error(sp + ".env." + k, "'" + k + "' is not a variable name", "use letters, digits and '_'");
                    }
                }
                Map<String, String> own = new java.util.TreeMap<>();
                if (files != null && source != null) {
                    String prefix = source.endsWith("/") ? source : source + "/";
                    files.forEach((path, content) -> {
                        if (path.startsWith(prefix)) {
                            own.put(path.substring(prefix.length()), content);
                        }
                    });
                    if (!own.containsKey(compose)) {
                        w.error(sp + ".source", m.get("source"), prefix + compose + " did not come with the lab",
                                own.isEmpty() ? "submit it with labforge apply, which sends the files of " + prefix
                                        + " (next to the lab file); over the API, POST application/json {\"lab\": …, \"files\": {…}}"
                                        : "put the compose file in " + prefix + " or name it in " + sp + ".compose");
                    }
                }
                stacks.add(new Lab.SwarmStack(name, source, compose, buildOn == null && !nodes.isEmpty() ? nodes.get(0) : buildOn,
                        Map.copyOf(env), java.util.Collections.unmodifiableMap(own)));
            }
            return List.copyOf(stacks);
        }

        /** R23: Prometheus scrapes every node's metrics-addr, so every node must have one. */
        private Lab.Prometheus prometheus(Node node, List<String> nodes, List<Host> hosts, Map<String, Role> roles) {
            if (node == null) {
                return null;
            }
            Map<String, Node> m = w.mapping(node, "swarm.prometheus", PROMETHEUS, Set.of());
            String image = w.string(m.get("image"), "swarm.prometheus.image");
            String on = w.string(m.get("node"), "swarm.prometheus.node");
            if (on != null && !nodes.contains(on)) {
                w.error("swarm.prometheus.node", "'" + on + "' is not a node of the swarm", "name one of " + nodes);
            }
            Integer port = w.integer(m.get("port"), "swarm.prometheus.port", 1, 65535, "port");
            String publish = w.string(m.get("publishMode"), "swarm.prometheus.publishMode");
            if (publish != null && !publish.equals("ingress") && !publish.equals("host")) {
                w.error("swarm.prometheus.publishMode", "publishMode '" + publish + "' is not known", "write ingress or host");
            }
            for (Host h : hosts) {
                if (!nodes.contains(h.name())) {
                    continue;
                }
                if (dockerOf(h, roles).metricsAddr() == null) {
                    w.error("swarm.prometheus", node, "Prometheus scrapes every node's Docker metrics, and " + h.name()
                            + " has no docker.metrics-addr", "give " + h.name() + " (or its role) docker.metrics-addr: 0.0.0.0:9323 (R15)");
                }
            }
            return new Lab.Prometheus(image == null ? Lab.Prometheus.DEFAULT_IMAGE : image,
                    on == null && !nodes.isEmpty() ? nodes.get(0) : on, port == null ? 9090 : port, publish == null ? "ingress" : publish);
        }

        private KubernetesSpec kubernetes(Node node, List<Host> hosts) {
            if (node == null) {
                return null;
            }
            Map<String, Node> k = w.mapping(node, "kubernetes", KUBERNETES, Set.of("controlPlane"));
            String cp = hostRef(k.get("controlPlane"), "kubernetes.controlPlane", hosts);
            List<String> workers = hostRefs(k.get("workers"), "kubernetes.workers", hosts);
            String cidr = w.string(k.get("podNetworkCidr"), "kubernetes.podNetworkCidr");
            if (cidr != null && !isCidr(cidr)) {
                w.error("kubernetes.podNetworkCidr", "'" + cidr + "' is not a CIDR", "write e.g. 192.168.0.0/16 (R25)");
            }
            return new KubernetesSpec(cp, workers, cidr == null ? "192.168.0.0/16" : cidr);
        }

        private String hostRef(Node node, String path, List<Host> hosts) {
            String name = w.string(node, path);
            if (name != null && hosts.stream().noneMatch(h -> name.equals(h.name()))) {
                List<String> known = hosts.stream().map(Host::name).filter(n -> n != null).toList();
                String near = YamlWalker.nearest(name, Set.copyOf(known));
                w.error(path, "host '" + name + "' is not in hosts:",
                        (near != null ? "did you mean '" + near + "'? " : "") + "name one of " + known);
            }
            return name;
        }

        private List<String> hostRefs(Node node, String path, List<Host> hosts) {
            List<String> names = new ArrayList<>();
            List<Node> items = w.sequence(node, path);
            for (int i = 0; i < items.size(); i++) {
                String n = hostRef(items.get(i), path + "[" + i + "]", hosts);
                if (n != null) {
                    if (names.contains(n)) {
                        w.error(path + "[" + i + "]", "host '" + n + "' is listed twice", "list each host once");
                    }
                    names.add(n);
                }
            }
            return names;
        }
    }

    static List<String> swarmHosts(SwarmSpec s) {
        List<String> all = new ArrayList<>(s.managers());
        all.addAll(s.workers());
        return all;
    }

    static List<String> k8sHosts(KubernetesSpec k) {
        List<String> all = new ArrayList<>();
        all.add(k.controlPlane());
        all.addAll(k.workers());
        return all;
    }

    static boolean isAddress(String s) {
        if (IPV4.matcher(s).matches()) {
            return true;
        }
        if (s.contains(":") && IPV6.matcher(s).matches()) {
            try {
                // a literal with ':' is parsed without any name lookup
                return java.net.InetAddress.getByName(s) instanceof java.net.Inet6Address;
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    static boolean isCertificate(String pem) {
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            return false;
        }
        try {
            java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(
                    new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            return true;
        } catch (java.security.cert.CertificateException e) {
            return false;
        }
    }

    static boolean isHostPort(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0) {
            return false;
        }
        String host = s.substring(0, colon);
        String port = s.substring(colon + 1);
        boolean hostOk = IPV4.matcher(host).matches() || DNS_NAME.matcher(host).matches()
                || host.startsWith("[") && host.endsWith("]") && isAddress(host.substring(1, host.length() - 1));
        try {
            int p = Integer.parseInt(port);
            return hostOk && p >= 1 && p <= 65535;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static boolean isCidr(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            return false;
        }
        try {
            int bits = Integer.parseInt(s.substring(slash + 1));
            String addr = s.substring(0, slash);
            return IPV4.matcher(addr).matches() ? bits >= 0 && bits <= 32 : isAddress(addr) && bits >= 0 && bits <= 128;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Accepts every key: role names are the user's own. */
    private static final class AnySet extends java.util.AbstractSet<String> {
        @Override
        public boolean contains(Object o) {
            return true;
        }

        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Collections.emptyIterator();
        }

        @Override
        public int size() {
            return 0;
        }
    }
}
