package io.labforge.orchestrator.planner;

import io.labforge.common.messaging.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * References from a step's inputs to outputs of earlier steps: an object {@code {"$ref": "step#output"}}
 * anywhere in the inputs is replaced, at dispatch time, by that output; and to a value the plan holds once
 * for all its steps ({@link Shared}): {@code {"$shared": "name"}}.
 */
public final class Refs {
    public static final String KEY = "$ref";
    public static final String SHARED = "$shared";
    public static final String SELF = "self";

    private Refs() {
    }

    public static ObjectNode ref(String stepId, String output) {
        ObjectNode n = Json.object();
        n.put(KEY, stepId + "#" + output);
        return n;
    }

    /** A reference to the plan's shared value {@code name}. */
    public static ObjectNode shared(String name) {
        ObjectNode n = Json.object();
        n.put(SHARED, name);
        return n;
    }

    public static ObjectNode self(String output) {
        return ref(SELF, output);
    }

    /** The ids of the steps whose outputs these inputs use. */
    public static Set<String> referencedSteps(JsonNode inputs) {
        Set<String> out = new LinkedHashSet<>();
        walk(inputs, (step, output) -> {
            out.add(step);
            return null; // keep the reference: only collecting names
        }, name -> null);
        return out;
    }

    /** The names of the shared values these inputs use. */
    public static Set<String> referencedShared(JsonNode inputs) {
        Set<String> out = new LinkedHashSet<>();
        walk(inputs, (step, output) -> null, name -> {
            out.add(name);
            return null;
        });
        return out;
    }

    /**
     * A copy of {@code inputs} with every reference replaced by what {@code lookup} gives for
     * (step, output); throws {@link UnresolvedRef} for one it cannot give.
     */
    public static JsonNode resolve(JsonNode inputs, BiFunction<String, String, Optional<JsonNode>> lookup) {
        return resolve(inputs, Map.of(), lookup);
    }

    /** As {@link #resolve(JsonNode, BiFunction)}, shared values taken from {@code shared} (the value itself, not a copy). */
    public static JsonNode resolve(JsonNode inputs, Map<String, JsonNode> shared, BiFunction<String, String, Optional<JsonNode>> lookup) {
        return walk(inputs.deepCopy(), lookup, name -> {
            JsonNode v = shared.get(name);
            if (v == null) {
                throw new UnresolvedRef(SHARED + " " + name);
            }
            return v;
        });
    }

    public static final class UnresolvedRef extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UnresolvedRef(String ref) {
            super("input reference " + ref + " has no value: the step it names did not produce that output");
        }
    }

    private static JsonNode walk(JsonNode node, BiFunction<String, String, Optional<JsonNode>> lookup,
            Function<String, JsonNode> shared) {
        if (node == null) {
            return null;
        }
        if (node.isObject() && node.size() == 1 && node.get(SHARED) != null && node.get(SHARED).isString()) {
            JsonNode v = shared.apply(node.get(SHARED).asString());
            return v == null ? node : v;
        }
        if (node.isObject()) {
            JsonNode r = node.get(KEY);
            if (r != null && r.isString() && node.size() == 1) {
                String text = r.asString();
                int hash = text.indexOf('#');
                if (hash <= 0) {
                    throw new IllegalArgumentException("malformed reference " + text);
                }
                Optional<JsonNode> v = lookup.apply(text.substring(0, hash), text.substring(hash + 1));
                if (v == null) {
                    return node;
                }
                return v.orElseThrow(() -> new UnresolvedRef(text));
            }
            ObjectNode obj = (ObjectNode) node;
            List<String> names = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : obj.properties()) {
                names.add(e.getKey());
            }
            for (String name : names) {
                JsonNode replaced = walk(obj.get(name), lookup, shared);
                if (replaced != null) {
                    obj.set(name, replaced);
                }
            }
            return obj;
        }
        if (node.isArray()) {
            ArrayNode arr = (ArrayNode) node;
            for (int i = 0; i < arr.size(); i++) {
                arr.set(i, walk(arr.get(i), lookup, shared));
            }
            return arr;
        }
        return node;
    }
}
