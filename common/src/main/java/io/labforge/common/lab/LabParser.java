package io.labforge.common.lab;

import io.labforge.common.net.Dns;
import io.labforge.common.net.IpAddress;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads and validates a lab file: the core (name, domain, failure policy, roles, hosts), then each
 * feature's settings of hosts and roles and its top-level section, through the readers the features
 * register. Every error is collected, with its path, line and fix; a lab is returned only when there is
 * none, so nothing is ever applied from a lab that failed validation.
 */
public final class LabParser {
    private static final Set<String> CORE = Set.of("apiVersion", "kind", "name", "domain", "onFailure", "acknowledge", "roles", "hosts");
    private static final Set<String> HOST_CORE = Set.of("name", "address", "roles", "kind");

    private final List<LabSection<?>> sections = new ArrayList<>();
    private final List<HostSetting<?>> settings = new ArrayList<>();
    private final List<Feature> features;
    private final int maxHosts;
    private final String maxHostsSetting;

    /** The result of reading a file: a lab, or the list of everything wrong with it. */
    public record Result(Lab lab, List<LabError> errors, List<LabFileRef> files) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    public LabParser(List<Feature> features) {
        this(features, Integer.MAX_VALUE, null);
    }

    private LabParser(List<Feature> features, int maxHosts, String maxHostsSetting) {
        for (Feature f : features) {
            sections.addAll(f.sections());
            settings.addAll(f.hostSettings());
        }
        this.features = List.copyOf(features);
        this.maxHosts = maxHosts;
        this.maxHostsSetting = maxHostsSetting;
    }

    /**
     * This parser, refusing a lab of more than {@code max} hosts (what one submission may cost the
     * planner); {@code setting} names where the limit is configured, for the error's fix.
     */
    public LabParser withMaxHosts(int max, String setting) {
        return new LabParser(features, max, setting);
    }

    /** Parses and validates; throws with every error when the file is not a valid lab. */
    public Lab parse(String yaml, String source) {
        Result r = read(yaml);
        if (!r.ok()) {
            throw new LabValidationException(source, r.errors());
        }
        return r.lab();
    }

    /** Reads a lab stored before: the files it names are not at hand, and not checked. */
    public Result read(String yaml) {
        return read(yaml, null);
    }

    /**
     * Reads a lab submitted with the files it names ({@code files}: path relative to the lab file →
     * content, as {@link LabFiles} collects them); a named file that is not among them is an error.
     */
    public Result read(String yaml, Map<String, String> files) {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(true); // duplicates are reported by the walker, with a path
            options.setCodePointLimit(4 * 1024 * 1024);
            root = new Yaml(new SafeConstructor(options)).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            return failed(new LabError("", line, "not valid YAML: " + e.getProblem(),
                    "correct the YAML syntax near this line (indentation, a missing ':' or quote)"));
        } catch (YAMLException e) {
            return failed(new LabError("", 0, "not valid YAML: " + e.getMessage(), "correct the YAML syntax"));
        }
        if (root == null) {
            return failed(new LabError("", 0, "the file is empty", "start from examples/local-lab.yaml"));
        }
        return new Reader(files).lab(root);
    }

    private static Result failed(LabError e) {
        return new Result(null, List.of(e), List.of());
    }

    private final class Reader {
        private final YamlWalker w = new YamlWalker();
        private final Map<String, String> files;

        Reader(Map<String, String> files) {
            this.files = files;
        }

        Result lab(Node root) {
            Set<String> keys = new LinkedHashSet<>(CORE);
            sections.forEach(s -> keys.add(s.key()));
            Map<String, Node> top = w.mapping(root, "", keys, Set.of("apiVersion", "kind", "name", "hosts"));
            String api = w.string(top.get("apiVersion"), "apiVersion");
            if (api != null && !api.equals(Lab.API_VERSION)) {
                w.error("apiVersion", "apiVersion '" + api + "' is not supported", "write apiVersion: " + Lab.API_VERSION);
            }
            String kind = w.string(top.get("kind"), "kind");
            if (kind != null && !kind.equals("Lab")) {
                w.error("kind", "kind '" + kind + "' is not supported", "write kind: Lab");
            }
            String name = w.string(top.get("name"), "name");
            if (name != null && !Dns.isLabel(name)) {
                w.error("name", "lab name '" + name + "' is not valid", "use " + Dns.LABEL_RULE);
            }
            String domain = w.string(top.get("domain"), "domain");
            if (domain != null && !Dns.isName(domain)) {
                w.error("domain", "domain '" + domain + "' is not a valid DNS name", "use lowercase labels separated by dots, e.g. lab.example");
            }
            Lab.FailurePolicy policy = Lab.FailurePolicy.PAUSE;
            String p = w.string(top.get("onFailure"), "onFailure");
            if (p != null) {
                try {
                    policy = Lab.FailurePolicy.valueOf(p.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    w.error("onFailure", "'" + p + "' is not a failure policy", "write pause (the default) or compensate");
                }
            }
            List<Lab.Host> hosts = new ArrayList<>();
            Map<String, Lab.Role> roles = new LinkedHashMap<>();
            Map<LabSection<?>, Object> read = new LinkedHashMap<>();
            LabReading in = new LabReading(w, hosts, roles, read, files, acknowledged(top.get("acknowledge")));
            roles.putAll(roles(top.get("roles"), in));
            hosts.addAll(hosts(top.get("hosts"), roles, in));
            List<LabFileRef> named = new ArrayList<>();
            for (LabSection<?> s : sections) {
                Node node = top.get(s.key());
                if (node != null) {
                    readSection(s, node, in, read, named);
                }
            }
            if (!w.errors().isEmpty()) {
                return new Result(null, w.errors(), List.copyOf(named));
            }
            return new Result(new Lab(name, domain, policy, roles, hosts, read), List.of(), List.copyOf(named));
        }

        private <T> void readSection(LabSection<T> s, Node node, LabReading in, Map<LabSection<?>, Object> read, List<LabFileRef> named) {
            T spec = s.read(node, in);
            if (spec != null) {
                read.put(s, spec);
                for (LabFileRef ref : s.files(spec)) {
                    // files a lab names: one rule, whichever section names them
                    String problem = ref.path() == null ? null : LabFiles.pathProblem(ref.path());
                    if (problem != null) {
                        w.error(ref.field(), problem, "put it in the lab file's directory and name it relative to it");
                    } else if (ref.path() != null) {
                        named.add(ref);
                    }
                }
            }
        }

        /** {@code acknowledge: [system-path, …]}: the risks the lab's author means to take. */
        private Set<Risk> acknowledged(Node node) {
            Set<Risk> out = EnumSet.noneOf(Risk.class);
            List<String> keys = w.strings(node, "acknowledge");
            for (int i = 0; i < keys.size(); i++) {
                Risk r = Risk.byKey(keys.get(i));
                if (r == null) {
                    w.error("acknowledge[" + i + "]", "'" + keys.get(i) + "' is not a risk Labforge knows", "write one of "
                            + Arrays.stream(Risk.values()).map(Risk::key).toList());
                } else {
                    out.add(r);
                }
            }
            return out;
        }

        private Map<String, Lab.Role> roles(Node node, LabReading in) {
            Map<String, Lab.Role> roles = new LinkedHashMap<>();
            if (node == null) {
                return roles;
            }
            Set<String> allowed = new LinkedHashSet<>();
            settings.stream().filter(HostSetting::inRoles).forEach(s -> allowed.add(s.key()));
            for (Map.Entry<String, Node> e : w.stringKeyedMapping(node, "roles").entrySet()) {
                String path = "roles." + e.getKey();
                if (!Dns.isLabel(e.getKey())) {
                    w.error(path, "role name '" + e.getKey() + "' is not valid", "use lowercase letters, digits or '-'");
                }
                Map<String, Node> r = w.mapping(e.getValue(), path, allowed, Set.of());
                roles.put(e.getKey(), new Lab.Role(e.getKey(), settings(r, path, in, true)));
            }
            return roles;
        }

        private Map<HostSetting<?>, Object> settings(Map<String, Node> entries, String path, LabReading in, boolean role) {
            Map<HostSetting<?>, Object> out = new LinkedHashMap<>();
            for (HostSetting<?> s : settings) {
                Node n = entries.get(s.key());
                if (n != null && (!role || s.inRoles())) {
                    Object v = s.read(n, path + "." + s.key(), in);
                    if (v != null) {
                        out.put(s, v);
                    }
                }
            }
            return out;
        }

        private List<Lab.Host> hosts(Node node, Map<String, Lab.Role> roles, LabReading in) {
            List<Lab.Host> hosts = new ArrayList<>();
            Map<String, String> names = new HashMap<>();
            Map<String, String> addresses = new HashMap<>();
            Set<String> allowed = new LinkedHashSet<>(HOST_CORE);
            settings.forEach(s -> allowed.add(s.key()));
            List<Node> items = w.sequence(node, "hosts");
            if (node != null && items.isEmpty() && !w.hasErrorAt("hosts")) {
                w.error("hosts", node, "the lab has no hosts", "list at least one host under hosts:");
            }
            if (items.size() > maxHosts) {
                w.error("hosts", node, "the lab has " + items.size() + " hosts; this orchestrator takes at most " + maxHosts
                        + " in one lab", "split the lab in several, or raise " + maxHostsSetting + " where the orchestrator runs");
                return hosts;
            }
            for (int i = 0; i < items.size(); i++) {
                String path = "hosts[" + i + "]";
                Map<String, Node> h = w.mapping(items.get(i), path, allowed, Set.of("name", "address"));
                String name = w.string(h.get("name"), path + ".name");
                if (name != null) {
                    if (!Dns.isLabel(name)) {
                        w.error(path + ".name", "host name '" + name + "' is not a valid hostname", "use " + Dns.LABEL_RULE + " (RFC 1123)");
                    } else if (names.containsKey(name)) {
                        w.error(path + ".name", "host name '" + name + "' is already used by " + names.get(name), "give each host a unique name");
                    } else {
                        names.put(name, path);
                    }
                }
                String address = w.string(h.get("address"), path + ".address");
                if (address != null) {
                    if (!IpAddress.isAddress(address)) {
                        w.error(path + ".address", "'" + address + "' is not an IPv4 or IPv6 address",
                                "write the host's literal address, e.g. 192.168.56.10");
                    } else if (IpAddress.isLocal(address)) {
                        in.risk(Risk.LOCAL_ADDRESS, path + ".address", h.get("address"), address + " is not a host of a lab: it is this "
                                + "machine's loopback, or no address at all", "write the address the host has on the lab's network");
                        addresses.put(address, path);
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
                Map<HostSetting<?>, Object> own = settings(h, path, in, false);
                hosts.add(new Lab.Host(name, address, hostRoles, kind(h.get("kind"), path, own), own));
            }
            return hosts;
        }

        /** A host whose settings need a VM (disks: no device-mapper in containers) is one unless the lab says otherwise, which is an error. */
        private Lab.Kind kind(Node node, String path, Map<HostSetting<?>, Object> own) {
            List<String> needing = own.entrySet().stream().filter(e -> needsVm(e.getKey(), e.getValue())).map(e -> e.getKey().key()).toList();
            Lab.Kind kind = needing.isEmpty() ? Lab.Kind.CONTAINER : Lab.Kind.VM;
            String k = w.string(node, path + ".kind");
            if (k == null) {
                return kind;
            }
            switch (k) {
                case "container" -> kind = Lab.Kind.CONTAINER;
                case "vm" -> kind = Lab.Kind.VM;
                default -> w.error(path + ".kind", "kind '" + k + "' is not known", "write container or vm");
            }
            if (kind == Lab.Kind.CONTAINER && !needing.isEmpty()) {
                w.error(path + "." + needing.get(0), "a container cannot hold LVM disks (no device-mapper in containers)",
                        "write kind: vm for this host, or remove its " + needing.get(0));
            }
            return kind;
        }

        private <T> boolean needsVm(HostSetting<T> s, Object value) {
            return s.needsVm(s.type().cast(value));
        }
    }
}
