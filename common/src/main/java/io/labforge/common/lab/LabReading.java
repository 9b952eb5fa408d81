package io.labforge.common.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.yaml.snakeyaml.nodes.Node;

/**
 * What a section reader works with while a lab is read: the YAML walker that collects errors, the
 * hosts and roles read so far, the sections read before it, and the files that came with the lab.
 * Also the checks several sections share (a host named by a section, a file of the lab).
 */
public final class LabReading {
    private final YamlWalker yaml;
    private final List<Lab.Host> hosts;
    private final Map<String, Lab.Role> roles;
    private final Map<LabSection<?>, Object> sections;
    private final Map<String, String> files;
    private final Set<Risk> acknowledged;

    LabReading(YamlWalker yaml, List<Lab.Host> hosts, Map<String, Lab.Role> roles, Map<LabSection<?>, Object> sections,
            Map<String, String> files, Set<Risk> acknowledged) {
        this.acknowledged = acknowledged;
        this.yaml = yaml;
        this.hosts = hosts;
        this.roles = roles;
        this.sections = sections;
        this.files = files;
    }

    public YamlWalker yaml() {
        return yaml;
    }

    public List<Lab.Host> hosts() {
        return hosts;
    }

    /** The host of that name, if the lab has one (hosts with an invalid name are not looked up). */
    public Lab.Host host(String name) {
        return hosts.stream().filter(h -> Objects.equals(h.name(), name)).findFirst().orElse(null);
    }

    /** A section read before this one, or null. */
    public <T> T section(LabSection<T> section) {
        Object v = sections.get(section);
        return v == null ? null : section.type().cast(v);
    }

    /** A host's merged value of a setting, as {@link Lab#setting} gives it once the lab is read. */
    public <T> T setting(Lab.Host host, HostSetting<T> setting) {
        return Lab.merged(host, setting, roles);
    }

    /** Whether the lab came with its files (a lab stored before is read without them, and they are not checked). */
    public boolean hasFiles() {
        return files != null;
    }

    /**
     * The text of a file the lab names ({@code path} relative to the lab file); when the lab came with
     * its files and this one is not among them, an error at {@code field} says how to send it.
     */
    public String file(String path, String field, Node at) {
        if (path == null || files == null || LabFiles.pathProblem(path) != null) {
            return null; // a path against the rule is the parser's error, once
        }
        String content = files.get(Path.of(path).normalize().toString().replace('\\', '/'));
        if (content == null) {
            yaml.error(field, at, path + " did not come with the lab", "put it next to the lab file and submit with labforge apply, "
                    + "which sends it; over the API, POST application/json {\"lab\": …, \"files\": {…}}");
        }
        return content;
    }

    /** The files of a directory the lab names, keyed by their path in it (empty when none came, or the lab came without files). */
    public Map<String, String> directory(String dir) {
        Map<String, String> own = new TreeMap<>();
        if (files == null || dir == null) {
            return own;
        }
        String prefix = dir.endsWith("/") ? dir : dir + "/";
        files.forEach((path, content) -> {
            if (path.startsWith(prefix)) {
                own.put(path.substring(prefix.length()), content);
            }
        });
        return Collections.unmodifiableMap(own);
    }

    /**
     * A plain value that must satisfy {@code valid}; otherwise an error "'value' is not {@code what}" with
     * {@code fix}, and null.
     */
    public String text(Node node, String path, Predicate<String> valid, String what, String fix) {
        String v = yaml.string(node, path);
        if (v != null && !valid.test(v)) {
            yaml.error(path, node, "'" + v + "' is not " + what, fix);
            return null;
        }
        return v;
    }

    /** A value that must be one of {@code allowed}; null (and an error naming them) otherwise. */
    public String oneOf(Node node, String path, String what, List<String> allowed) {
        String v = yaml.string(node, path);
        if (v != null && !allowed.contains(v)) {
            yaml.error(path, node, what + " '" + v + "' is not known", "write " + String.join(", ", allowed.subList(0, allowed.size() - 1))
                    + (allowed.size() > 1 ? " or " : "") + allowed.get(allowed.size() - 1));
            return null;
        }
        return v;
    }

    /**
     * Something that parses but would wreck a host: an error naming the fix and the acknowledgement, unless
     * the lab acknowledges that risk ({@code acknowledge: [<risk>]}).
     */
    public void risk(Risk risk, String path, Node at, String message, String fix) {
        if (!acknowledged.contains(risk)) {
            yaml.error(path, at, message, fix + ", or, if you mean it, add " + risk.key() + " to the lab's acknowledge: list");
        }
    }

    /** A host named by a section: it must be one of the lab's. */
    public String hostRef(Node node, String path) {
        String name = yaml.string(node, path);
        if (name != null && host(name) == null) {
            List<String> known = hosts.stream().map(Lab.Host::name).filter(Objects::nonNull).toList();
            String near = YamlWalker.nearest(name, Set.copyOf(known));
            yaml.error(path, "host '" + name + "' is not in hosts:", (near != null ? "did you mean '" + near + "'? " : "") + "name one of " + known);
        }
        return name;
    }

    /** A list of hosts, each once. */
    public List<String> hostRefs(Node node, String path) {
        List<String> names = new ArrayList<>();
        List<Node> items = yaml.sequence(node, path);
        for (int i = 0; i < items.size(); i++) {
            String n = hostRef(items.get(i), path + "[" + i + "]");
            if (n != null) {
                if (names.contains(n)) {
                    yaml.error(path + "[" + i + "]", "host '" + n + "' is listed twice", "list each host once");
                }
                names.add(n);
            }
        }
        return names;
    }
}
