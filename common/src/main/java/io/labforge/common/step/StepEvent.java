package io.labforge.common.step;

import io.labforge.common.messaging.Message;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What a worker reports about one command (one step attempt). Sent on
 * {@link io.labforge.common.messaging.Topics#STEP_EVENTS}, keyed by saga id; the envelope carries
 * the step id, attempt and the command's message id as causation id.
 */
public sealed interface StepEvent {

    @Message(name = "step.Started")
    record Started(String worker) implements StepEvent {
    }

    /** One line of output of a long step; bounded per step by the worker, never a secret. */
    @Message(name = "step.Progress")
    record Progress(int sequence, String line) implements StepEvent {
    }

    /**
     * The step is done. {@code changed} false means the host already was as asked; {@code diff} says
     * what changed (or, in plan mode, what would). {@code secretOutputs} names outputs that must be
     * stored encrypted and shown redacted. {@code replayed} is true when the worker did not run the
     * command again but returned its journal's result.
     */
    @Message(name = "step.Succeeded")
    record Succeeded(boolean changed, String diff, JsonNode outputs, List<String> secretOutputs, boolean replayed,
            long durationMillis) implements StepEvent {
    }

    /** {@code retryable} says whether running the same command again can help. */
    @Message(name = "step.Failed")
    record Failed(String reason, boolean retryable, long durationMillis) implements StepEvent {
    }

    /** The worker refused the command before running anything. */
    @Message(name = "step.CommandRejected")
    record CommandRejected(Rejection rejection, String reason) implements StepEvent {
    }

    enum Rejection {
        UNSIGNED, BAD_SIGNATURE, EXPIRED, UNKNOWN_TYPE, WRONG_TARGET, MALFORMED
    }
}
