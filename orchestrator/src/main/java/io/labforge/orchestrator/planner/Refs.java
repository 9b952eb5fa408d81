package io.labforge.orchestrator.planner;

import io.labforge.common.messaging.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * References from a step's inputs to outputs of earlier steps: an object {@code {"$ref": "step#output"}}
 * anywhere in the inputs is replaced, at dispatch time, by that output.
 */
public final class Refs {
    public static final String KEY = "$ref";
    public static final String SELF = "self";

    private Refs() {
    }

    public static ObjectNode ref(String stepId, String output) {
        ObjectNode n = Json.object();
        n.put(KEY, stepId + "#" + output);
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
        });
        return out;
    }

    /**
     * A copy of {@code inputs} with every reference replaced by what {@code lookup} gives for
     * (step, output); throws {@link UnresolvedRef} for one it cannot give.
     */
    public static JsonNode resolve(JsonNode inputs, BiFunction<String, String, Optional<JsonNode>> lookup) {
        return walk(inputs.deepCopy(), lookup);
    }

    public static final class UnresolvedRef extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UnresolvedRef(String ref) {
            super("input reference " + ref + " has no value: the step it names did not produce that output");
        }
    }

    private static JsonNode walk(JsonNode node, BiFunction<String, String, Optional<JsonNode>> lookup) {
        if (node == null) {
            return null;
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
                JsonNode replaced = walk(obj.get(name), lookup);
                if (replaced != null) {
                    obj.set(name, replaced);
                }
            }
            return obj;
        }
        if (node.isArray()) {
            ArrayNode arr = (ArrayNode) node;
            for (int i = 0; i < arr.size(); i++) {
                arr.set(i, walk(arr.get(i), lookup));
            }
            return arr;
        }
        return node;
    }
}
