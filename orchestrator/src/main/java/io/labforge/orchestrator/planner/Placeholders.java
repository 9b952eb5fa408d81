package io.labforge.orchestrator.planner;

import io.labforge.common.messaging.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Text that stands for another step's output inside a command record while it is planned, turned into
 * a {@link Refs reference} when the command becomes a step's inputs. A placeholder carries the plan's
 * random nonce behind a NUL, so no text of the lab file can pass for one.
 */
final class Placeholders {
    private static final char MARK = '\0';

    private Placeholders() {
    }

    static String of(String nonce, String step, String output) {
        return MARK + nonce + MARK + step + "#" + output;
    }

    /** {@code command} as JSON with its placeholders replaced by references; one inside a longer text is refused. */
    static ObjectNode inputs(Object command, String nonce) {
        return (ObjectNode) replace(Json.tree(command), MARK + nonce + MARK);
    }

    private static JsonNode replace(JsonNode node, String prefix) {
        if (node.isString()) {
            String text = node.asString();
            if (text.startsWith(prefix)) {
                String ref = text.substring(prefix.length());
                int hash = ref.indexOf('#');
                return Refs.ref(ref.substring(0, hash), ref.substring(hash + 1));
            }
            if (text.indexOf(MARK) >= 0 && text.contains(prefix)) {
                throw new IllegalArgumentException("an output of another step is used inside a longer text (" + text.replace(MARK, '|')
                        + "): a reference must be a whole value");
            }
            return node;
        }
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(o.properties());
            for (Map.Entry<String, JsonNode> f : fields) {
                o.set(f.getKey(), replace(f.getValue(), prefix));
            }
            return o;
        }
        if (node.isArray()) {
            ArrayNode a = (ArrayNode) node;
            for (int i = 0; i < a.size(); i++) {
                a.set(i, replace(a.get(i), prefix));
            }
        }
        return node;
    }
}
