package io.labforge.orchestrator.planner;

import io.labforge.common.id.StepId;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * One step of a plan: a typed command for a target, with inputs that may reference outputs of
 * earlier steps ({@code {"$ref": "hostname@node1#fqdn"}}), the steps it waits for, its timeout and
 * retry policy, and the compensation that undoes it (whose inputs may reference the step's own
 * outputs as {@code self#name}).
 */
public record StepSpec(
        StepId id,
        String commandType,
        String target,
        ObjectNode inputs,
        List<StepId> dependsOn,
        Duration timeout,
        RetryPolicy retry,
        Compensation compensation) {

    public StepSpec {
        // a copy: a planner that goes on adding to its list must not change a step already made
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    }

    public record Compensation(String commandType, ObjectNode inputs) {
    }

    /** {@code maxAttempts} in all (1 = no retry); the n-th retry waits {@code backoff * multiplier^(n-1)}. */
    public record RetryPolicy(int maxAttempts, Duration backoff, double multiplier) {
        public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofSeconds(2), 2.0);
        public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, 1.0);

        public Duration backoffBefore(int attempt) {
            if (attempt <= 1) {
                return Duration.ZERO;
            }
            return Duration.ofMillis((long) (backoff.toMillis() * Math.pow(multiplier, attempt - 2)));
        }
    }
}
