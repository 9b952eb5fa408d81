package io.labforge.common.lab;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a composed YAML node tree while collecting every error with its path and line, so the
 * user sees all of them at once. Each reader returns {@code null} (or an empty value) on error and
 * goes on. Shared by every section reader of the lab file.
 */
public final class YamlWalker {
    private final List<LabError> errors = new ArrayList<>();
    private final Map<String, Integer> lines = new LinkedHashMap<>();

    /** Every error reported so far. */
    public List<LabError> errors() {
        return List.copyOf(errors);
    }

    /** Whether an error was reported at {@code path} itself. */
    public boolean hasErrorAt(String path) {
        return errors.stream().anyMatch(e -> e.path().equals(path));
    }

    public static int line(Node node) {
        return node == null ? 0 : node.getStartMark().getLine() + 1;
    }

    public int lineOf(String path) {
        return lines.getOrDefault(path, 0);
    }

    public void error(String path, Node at, String message, String fix) {
        errors.add(new LabError(path, at == null ? lineOf(path) : line(at), message, fix));
    }

    public void error(String path, String message, String fix) {
        errors.add(new LabError(path, lineOf(path), message, fix));
    }

    /**
     * The entries of a mapping, by key; unknown and duplicate keys are reported. Returns an empty map
     * when the node is not a mapping.
     */
    public Map<String, Node> mapping(Node node, String path, Set<String> allowed, Set<String> required) {
        Map<String, Node> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        lines.put(path, line(node));
        if (!(node instanceof MappingNode m)) {
            error(path, node, "expected a mapping (key: value lines), found " + kind(node),
                    "write " + (path.isEmpty() ? "the document" : path) + " as key: value pairs");
            return out;
        }
        for (NodeTuple t : m.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
            String child = join(path, key);
            if (key == null) {
                error(path, t.getKeyNode(), "a key must be a plain word", "remove the complex key");
                continue;
            }
            lines.put(child, line(t.getKeyNode()));
            if (!allowed.contains(key)) {
                String near = nearest(key, allowed);
                error(child, t.getKeyNode(), "unknown key '" + key + "'",
                        (near != null ? "did you mean '" + near + "'? " : "") + "allowed here: "
                                + String.join(", ", new TreeSet<>(allowed)));
                continue;
            }
            if (out.containsKey(key)) {
                error(child, t.getKeyNode(), "key '" + key + "' is given twice", "keep one of the two");
                continue;
            }
            out.put(key, t.getValueNode());
        }
        for (String r : required) {
            if (!out.containsKey(r) && allowed.contains(r) && !hasKey(m, r)) {
                error(join(path, r), node, "'" + r + "' is missing", "add " + r + ": to " + (path.isEmpty() ? "the top level" : path));
            }
        }
        return out;
    }

    /** A mapping whose keys are the user's own (role names), each reported with its line; unknown keys are not errors. */
    public Map<String, Node> stringKeyedMapping(Node node, String path) {
        Map<String, Node> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        lines.put(path, line(node));
        if (!(node instanceof MappingNode m)) {
            error(path, node, "expected a mapping (key: value lines), found " + kind(node), "write " + path + " as key: value pairs");
            return out;
        }
        for (NodeTuple t : m.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
            if (key == null) {
                error(path, t.getKeyNode(), "a key must be a plain word", "remove the complex key");
            } else if (out.putIfAbsent(key, t.getValueNode()) != null) {
                error(join(path, key), t.getKeyNode(), "key '" + key + "' is given twice", "keep one of the two");
            } else {
                lines.put(join(path, key), line(t.getKeyNode()));
            }
        }
        return out;
    }

    /** A mapping of free keys to plain values (labels). */
    public Map<String, String> stringMap(Node node, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        if (!(node instanceof MappingNode m)) {
            error(path, node, "expected a mapping (key: value lines), found " + kind(node), "write " + path + " as key: value pairs");
            return out;
        }
        for (NodeTuple t : m.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
            String value = t.getValueNode() instanceof ScalarNode s ? s.getValue() : null;
            if (key == null || value == null) {
                error(path, t.getKeyNode(), "a label is a plain key with a plain value", "write key: value");
            } else if (out.putIfAbsent(key, value) != null) {
                error(join(path, key), t.getKeyNode(), "key '" + key + "' is given twice", "keep one of the two");
            }
        }
        return out;
    }

    private static boolean hasKey(MappingNode m, String key) {
        return m.getValue().stream().anyMatch(t -> t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key));
    }

    public List<Node> sequence(Node node, String path) {
        if (node == null) {
            return List.of();
        }
        lines.put(path, line(node));
        if (node instanceof SequenceNode s) {
            for (int i = 0; i < s.getValue().size(); i++) {
                lines.put(path + "[" + i + "]", line(s.getValue().get(i)));
            }
            return s.getValue();
        }
        error(path, node, "expected a list, found " + kind(node), "write it as a list, e.g. [a, b] or lines starting with '- '");
        return List.of();
    }

    public String string(Node node, String path) {
        if (node == null) {
            return null;
        }
        lines.put(path, line(node));
        if (node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL)) {
            return s.getValue();
        }
        error(path, node, "expected a single value, found " + kind(node), "write a plain value");
        return null;
    }

    public List<String> strings(Node node, String path) {
        List<String> out = new ArrayList<>();
        List<Node> items = sequence(node, path);
        for (int i = 0; i < items.size(); i++) {
            String v = string(items.get(i), path + "[" + i + "]");
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    public Boolean bool(Node node, String path) {
        String v = string(node, path);
        if (v == null) {
            return null;
        }
        if (v.equals("true") || v.equals("false")) {
            return Boolean.valueOf(v);
        }
        error(path, node, "'" + v + "' is not true or false", "write true or false");
        return null;
    }

    public Integer integer(Node node, String path, int min, int max, String what) {
        String v = string(node, path);
        if (v == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        error(path, node, "'" + v + "' is not a valid " + what, "write a whole number from " + min + " to " + max);
        return null;
    }

    private static String kind(Node node) {
        return switch (node.getNodeId()) {
            case mapping -> "a mapping";
            case sequence -> "a list";
            case scalar -> ((ScalarNode) node).getTag().equals(Tag.NULL) ? "nothing" : "'" + ((ScalarNode) node).getValue() + "'";
            default -> "an alias";
        };
    }

    public static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The allowed key closest to a mistyped one, when it is close enough to be a typo. */
    public static String nearest(String key, Set<String> allowed) {
        return allowed.stream()
                .filter(a -> distance(a.toLowerCase(), key.toLowerCase()) <= Math.max(2, key.length() / 3))
                .min(Comparator.comparingInt(a -> distance(a.toLowerCase(), key.toLowerCase())))
                .orElse(null);
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
