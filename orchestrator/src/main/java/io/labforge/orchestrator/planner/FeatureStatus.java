package io.labforge.orchestrator.planner;

import io.labforge.common.lab.Lab;
import tools.jackson.databind.JsonNode;

/**
 * A feature's cluster as it is now, read through the service that drives it: one read-only step (a saga in
 * plan mode, audited like any other) and the table its outputs make. {@code labforge <name> status} shows
 * it, and {@code labforge status} after a saga that built it.
 */
public interface FeatureStatus {
    /** The feature's name in the API's path and the CLI: {@code swarm}, {@code kubernetes}. */
    String name();

    /** The one step that reads it; {@link IllegalArgumentException} naming the fix when the lab has none. */
    Plan describe(Lab lab);

    /** Whether a saga that ran this step built the feature's cluster. */
    boolean builtBy(String stepId);

    /** The step's outputs as the CLI prints them. */
    String table(JsonNode outputs);
}
