package io.labforge.orchestrator.saga;

import io.labforge.common.id.StepId;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** What the engine asks its adapters to do, in the same transaction as the state change. */
public sealed interface Effect {

    /** Send this command (through the outbox). */
    record Dispatch(StepId step, String commandType, String target, JsonNode payload, int attempt, UUID messageId,
            Instant deadline, boolean dryRun, boolean compensation) implements Effect {
    }

    /**
     * Append this to the audit log. {@code detail} never holds a secret: the engine redacts first.
     * {@code signer}: the worker whose signed event this row records (null: the orchestrator's decision).
     */
    record Audit(String action, StepId step, String target, JsonNode detail, String signer) implements Effect {
        public Audit(String action, StepId step, String target, JsonNode detail) {
            this(action, step, target, detail, null);
        }

        Audit signedBy(String worker) {
            return new Audit(action, step, target, detail, worker);
        }
    }

    /** A line of a step's output, for live progress; not a state change. */
    record Progress(StepId step, String target, String line) implements Effect {
    }
}
