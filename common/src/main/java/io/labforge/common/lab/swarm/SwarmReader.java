package io.labforge.common.lab.swarm;

import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabFileRef;
import io.labforge.common.lab.LabReading;
import io.labforge.common.lab.LabSection;
import io.labforge.common.lab.YamlWalker;
import io.labforge.common.lab.docker.DockerSpec;
import io.labforge.common.net.Cidr;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/** The {@code swarm:} section (R17–R23): nodes, registry, services, availability, stacks, Prometheus, address pools. */
final class SwarmReader implements LabSection<SwarmSpec> {
    static final SwarmReader SECTION = new SwarmReader();
    /** A stack's directory travels inside its commands: keep build contexts small. */
    static final int MAX_STACK_BYTES = 512 * 1024;
    private static final Set<String> KEYS = Set.of("managers", "workers", "dataPathPort", "registry", "services", "availability",
            "stacks", "prometheus", "defaultAddrPool", "portainer");
    private static final Pattern SERVICE_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,127}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Pattern RELATIVE_PATH = Pattern.compile("(?!/)(?!.*(^|/)\\.\\.(/|$))[A-Za-z0-9._/-]{1,200}");
    private static final List<String> PUBLISH_MODES = List.of("ingress", "host");

    @Override
    public String key() {
        return "swarm";
    }

    @Override
    public Class<SwarmSpec> type() {
        return SwarmSpec.class;
    }

    @Override
    public List<LabFileRef> files(SwarmSpec s) {
        List<LabFileRef> refs = new ArrayList<>();
        for (int i = 0; i < s.stacks().size(); i++) {
            refs.add(new LabFileRef(s.stacks().get(i).source(), "swarm.stacks[" + i + "].source", true, MAX_STACK_BYTES));
        }
        return refs;
    }

    @Override
    public SwarmSpec read(Node node, LabReading in) {
        YamlWalker w = in.yaml();
        Map<String, Node> s = w.mapping(node, "swarm", KEYS, Set.of("managers"));
        List<String> managers = in.hostRefs(s.get("managers"), "swarm.managers");
        List<String> workers = in.hostRefs(s.get("workers"), "swarm.workers");
        for (String m : managers) {
            if (workers.contains(m)) {
                w.error("swarm.workers", "host '" + m + "' is both a manager and a worker", "list it once, as a manager (managers also run tasks)");
            }
        }
        if (s.containsKey("managers") && managers.isEmpty()) {
            w.error("swarm.managers", "a swarm needs at least one manager", "name a host under swarm.managers");
        }
        Integer port = w.integer(s.get("dataPathPort"), "swarm.dataPathPort", 1024, 65535, "port");
        SwarmSpec.Registry registry = null;
        if (s.get("registry") != null) {
            Map<String, Node> r = w.mapping(s.get("registry"), "swarm.registry", Set.of("host", "port"), Set.of("host"));
            String host = in.hostRef(r.get("host"), "swarm.registry.host");
            Integer rp = w.integer(r.get("port"), "swarm.registry.port", 1, 65535, "port");
            registry = new SwarmSpec.Registry(host, rp == null ? 5000 : rp);
        }
        List<SwarmService> services = services(s.get("services"), in);
        List<String> nodes = new ArrayList<>(managers);
        nodes.addAll(workers);
        Map<String, String> availability = w.stringMap(s.get("availability"), "swarm.availability");
        for (Map.Entry<String, String> a : availability.entrySet()) {
            if (!nodes.contains(a.getKey())) {
                w.error("swarm.availability." + a.getKey(), "'" + a.getKey() + "' is not a node of the swarm", "name one of " + managers + " " + workers);
            }
            if (!Set.of("active", "pause", "drain").contains(a.getValue())) {
                w.error("swarm.availability." + a.getKey(), "availability '" + a.getValue() + "' is not known", "write active, pause or drain");
            }
        }
        // services and availability go through the first manager's Engine API (cluster-service): it must be open
        String needsApi = !services.isEmpty() ? "swarm.services" : !availability.isEmpty() ? "swarm.availability"
                : s.get("prometheus") != null ? "swarm.prometheus" : null;
        Lab.Host first = managers.isEmpty() ? null : in.host(managers.get(0));
        if (needsApi != null && first != null && DockerSpec.of(in, first).tlsPort() == null) {
            w.error(needsApi, "cluster-service reaches the swarm through the Engine API of " + first.name() + ", which is not opened",
                    "give " + first.name() + " (or its role) docker.tls-port, e.g. 2376");
        }
        List<SwarmSpec.Stack> stacks = stacks(s.get("stacks"), nodes, in);
        SwarmSpec.Prometheus prometheus = prometheus(s.get("prometheus"), nodes, in);
        List<String> pools = pools(s.get("defaultAddrPool"), in);
        SwarmSpec.Portainer portainer = portainer(s.get("portainer"), nodes, stacks, in);
        return new SwarmSpec(managers, workers, port == null ? SwarmSpec.DEFAULT_DATA_PATH_PORT : port, registry, List.copyOf(services),
                Map.copyOf(availability), stacks, prometheus, List.copyOf(pools), portainer);
    }

    private static List<SwarmService> services(Node node, LabReading in) {
        YamlWalker w = in.yaml();
        List<SwarmService> services = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<Node> items = w.sequence(node, "swarm.services");
        for (int i = 0; i < items.size(); i++) {
            String sp = "swarm.services[" + i + "]";
            Map<String, Node> m = w.mapping(items.get(i), sp, Set.of("name", "image", "replicas", "constraints", "ports", "labels", "command",
                    "publishMode", "endpointMode"), Set.of("name", "image"));
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
                try {
                    PublishedPort.parse(ports.get(p));
                } catch (IllegalArgumentException e) {
                    w.error(sp + ".ports[" + p + "]", e.getMessage(), PublishedPort.FIX);
                }
            }
            Map<String, String> labels = w.stringMap(m.get("labels"), sp + ".labels");
            for (String key : labels.keySet()) {
                if (!LABEL_KEY.matcher(key).matches()) {
                    // also keeps '$ref', '$secret' and '$sealed' (Labforge's markers in step inputs) out of labels
                    w.error(sp + ".labels." + key, "'" + key + "' is not a label key", "use letters, digits, '.', '_', '-' or '/'");
                }
            }
            String publish = in.oneOf(m.get("publishMode"), sp + ".publishMode", "publishMode", PUBLISH_MODES);
            String endpoint = in.oneOf(m.get("endpointMode"), sp + ".endpointMode", "endpointMode", List.of("vip", "dnsrr"));
            services.add(new SwarmService(name, image, replicas == null ? 1 : replicas, w.strings(m.get("constraints"), sp + ".constraints"),
                    ports, labels, w.strings(m.get("command"), sp + ".command"), publish == null ? "ingress" : publish,
                    endpoint == null ? "vip" : endpoint, Map.of()));
        }
        return services;
    }

    /** R20: stacks; their files must have come with the lab when it came with files. */
    private static List<SwarmSpec.Stack> stacks(Node node, List<String> nodes, LabReading in) {
        YamlWalker w = in.yaml();
        List<SwarmSpec.Stack> stacks = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<Node> items = w.sequence(node, "swarm.stacks");
        for (int i = 0; i < items.size(); i++) {
            String sp = "swarm.stacks[" + i + "]";
            Map<String, Node> m = w.mapping(items.get(i), sp, Set.of("name", "source", "compose", "buildOn", "env"), Set.of("name", "source"));
            String name = w.string(m.get("name"), sp + ".name");
            if (name != null && !SwarmSpec.Stack.isName(name)) {
                w.error(sp + ".name", "'" + name + "' is not a stack name", "use up to 32 lowercase letters, digits, '_' or '-'");
            } else if (name != null && !names.add(name)) {
                w.error(sp + ".name", "stack " + name + " is defined twice", "give each stack its own name");
            }
            String source = in.text(m.get("source"), sp + ".source", p -> RELATIVE_PATH.matcher(p).matches(), "a directory below the lab file's",
                    "write a relative path without '..', e.g. tp1-app");
            String compose = in.text(m.get("compose"), sp + ".compose", p -> RELATIVE_PATH.matcher(p).matches(), "a file of the stack's directory",
                    "write a relative path without '..', e.g. docker-compose.yml");
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
            Map<String, String> own = in.directory(source);
            if (in.hasFiles() && source != null && !own.containsKey(compose)) {
                String prefix = source.endsWith("/") ? source : source + "/";
                w.error(sp + ".source", m.get("source"), prefix + compose + " did not come with the lab",
                        own.isEmpty() ? "submit it with labforge apply, which sends the files of " + prefix
                                + " (next to the lab file); over the API, POST application/json {\"lab\": …, \"files\": {…}}"
                                : "put the compose file in " + prefix + " or name it in " + sp + ".compose");
            }
            stacks.add(new SwarmSpec.Stack(name, source, compose, buildOn == null && !nodes.isEmpty() ? nodes.get(0) : buildOn,
                    Map.copyOf(env), own));
        }
        return List.copyOf(stacks);
    }

    /**
     * R22: Portainer's agent mounts the volumes directory under Docker's data root, one path for the
     * whole (global) service: the nodes must agree on their data root.
     */
    private static SwarmSpec.Portainer portainer(Node node, List<String> nodes, List<SwarmSpec.Stack> stacks, LabReading in) {
        if (node == null) {
            return null;
        }
        YamlWalker w = in.yaml();
        Map<String, Node> m = w.mapping(node, "swarm.portainer", Set.of("serverImage", "agentImage", "publishMode", "endpointMode"), Set.of());
        String server = w.string(m.get("serverImage"), "swarm.portainer.serverImage");
        String agent = w.string(m.get("agentImage"), "swarm.portainer.agentImage");
        String publish = in.oneOf(m.get("publishMode"), "swarm.portainer.publishMode", "publishMode", PUBLISH_MODES);
        String endpoint = in.oneOf(m.get("endpointMode"), "swarm.portainer.endpointMode", "endpointMode", List.of("vip", "dnsrr"));
        if ("dnsrr".equals(endpoint) && !"host".equals(publish)) {
            w.error("swarm.portainer.endpointMode", "Docker publishes ports through the routing mesh only for services with a virtual IP",
                    "with endpointMode: dnsrr set publishMode: host");
        }
        Set<String> roots = new TreeSet<>();
        for (String n : nodes) {
            Lab.Host h = in.host(n);
            if (h != null) {
                String root = DockerSpec.of(in, h).dataRoot();
                roots.add(root == null ? "/var/lib/docker" : root);
            }
        }
        if (roots.size() > 1) {
            w.error("swarm.portainer", node, "Portainer's agent mounts Docker's volumes directory at one path on every node, and the swarm's "
                    + "nodes keep Docker's data in " + roots, "give every swarm node the same docker.data-root (a role does it)");
        }
        if (stacks.stream().anyMatch(st -> SwarmSpec.Portainer.STACK.equals(st.name()))) {
            w.error("swarm.portainer", node, "Portainer is deployed as the stack '" + SwarmSpec.Portainer.STACK + "', and the lab has a stack of "
                    + "that name", "rename that stack");
        }
        return new SwarmSpec.Portainer(server == null ? SwarmSpec.Portainer.SERVER_IMAGE : server, agent == null ? SwarmSpec.Portainer.AGENT_IMAGE
                : agent, (roots.isEmpty() ? "/var/lib/docker" : roots.iterator().next()) + "/volumes", publish == null ? "ingress" : publish,
                endpoint == null ? "vip" : endpoint);
    }

    /** R23: Prometheus scrapes every node's metrics-addr, so every node must have one. */
    private static SwarmSpec.Prometheus prometheus(Node node, List<String> nodes, LabReading in) {
        if (node == null) {
            return null;
        }
        YamlWalker w = in.yaml();
        Map<String, Node> m = w.mapping(node, "swarm.prometheus", Set.of("image", "node", "port", "publishMode"), Set.of());
        String image = w.string(m.get("image"), "swarm.prometheus.image");
        String on = w.string(m.get("node"), "swarm.prometheus.node");
        if (on != null && !nodes.contains(on)) {
            w.error("swarm.prometheus.node", "'" + on + "' is not a node of the swarm", "name one of " + nodes);
        }
        Integer port = w.integer(m.get("port"), "swarm.prometheus.port", 1, 65535, "port");
        String publish = in.oneOf(m.get("publishMode"), "swarm.prometheus.publishMode", "publishMode", PUBLISH_MODES);
        for (Lab.Host h : in.hosts()) {
            if (nodes.contains(h.name()) && DockerSpec.of(in, h).metricsAddr() == null) {
                w.error("swarm.prometheus", node, "Prometheus scrapes every node's Docker metrics, and " + h.name()
                        + " has no docker.metrics-addr", "give " + h.name() + " (or its role) docker.metrics-addr: 0.0.0.0:9323 (R15)");
            }
        }
        return new SwarmSpec.Prometheus(image == null ? SwarmSpec.Prometheus.DEFAULT_IMAGE : image,
                on == null && !nodes.isEmpty() ? nodes.get(0) : on, port == null ? 9090 : port, publish == null ? "ingress" : publish);
    }

    /** Overlay networks' address pools: away from the lab's addresses. */
    private static List<String> pools(Node node, LabReading in) {
        YamlWalker w = in.yaml();
        List<String> pools = w.strings(node, "swarm.defaultAddrPool");
        for (int i = 0; i < pools.size(); i++) {
            String pool = pools.get(i);
            String where = "swarm.defaultAddrPool[" + i + "]";
            if (!Cidr.valid(pool)) {
                w.error(where, "'" + pool + "' is not an IPv4 network", "write e.g. 10.20.0.0/16");
                continue;
            }
            List<String> inside = in.hosts().stream().filter(h -> h.address() != null && Cidr.contains(pool, h.address()))
                    .map(h -> h.name() + " (" + h.address() + ")").toList();
            if (!inside.isEmpty()) {
                w.error(where, "the pool " + pool + " holds the lab's addresses of " + String.join(", ", inside)
                        + ": overlay networks would take addresses of the lab network", "pick a range away from the lab network");
            }
        }
        return pools;
    }
}
