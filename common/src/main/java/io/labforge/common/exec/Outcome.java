package io.labforge.common.exec;

import io.labforge.common.messaging.Json;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a check or an apply found: whether the host differs (or differed) from what was asked, the
 * diff in readable lines, the outputs later steps and compensations may use, and which of those are
 * secrets.
 */
public record Outcome(boolean changed, String diff, ObjectNode outputs, List<String> secretOutputs) {

    public static Outcome of(boolean changed, String diff, ObjectNode outputs) {
        return new Outcome(changed, diff, outputs, List.of());
    }

    public static Outcome unchanged(String what) {
        return new Outcome(false, what, Json.object(), List.of());
    }
}
