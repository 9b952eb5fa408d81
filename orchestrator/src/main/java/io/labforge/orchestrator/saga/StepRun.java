package io.labforge.orchestrator.saga;

import io.labforge.orchestrator.planner.StepSpec;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** The mutable run state of one step inside a {@link Saga}. */
public final class StepRun {
    final StepSpec spec;
    StepState state = StepState.PENDING;
    /** The attempt number of the last forward dispatch (1-based, never reset). */
    int attempt;
    /** Attempts since the step was (re)started; the retry budget, reset by resume. */
    int attemptsInRound;
    int compensationAttempt;
    /** The command now awaited: events with another causation id are stale and ignored. */
    UUID messageId;
    Instant notBefore;
    Instant deadline;
    /** When the last attempt's command was sent (null: never sent). */
    Instant startedAt;
    /** When the step last ended, succeeded or failed (null while an attempt is under way). */
    Instant finishedAt;
    JsonNode outputs;
    List<String> secretOutputs = List.of();
    Boolean changed;
    String diff;
    String error;

    public StepRun(StepSpec spec) {
        this.spec = spec;
    }

    /** Rebuilds a step from its persisted row. */
    public static StepRun restore(StepSpec spec, StepState state, int attempt, int attemptsInRound, int compensationAttempt,
            UUID messageId, Instant notBefore, Instant deadline, Instant startedAt, Instant finishedAt, JsonNode outputs,
            List<String> secretOutputs, Boolean changed, String diff, String error) {
        StepRun r = new StepRun(spec);
        r.state = state;
        r.attempt = attempt;
        r.attemptsInRound = attemptsInRound;
        r.compensationAttempt = compensationAttempt;
        r.messageId = messageId;
        r.notBefore = notBefore;
        r.deadline = deadline;
        r.startedAt = startedAt;
        r.finishedAt = finishedAt;
        r.outputs = outputs;
        r.secretOutputs = secretOutputs == null ? List.of() : secretOutputs;
        r.changed = changed;
        r.diff = diff;
        r.error = error;
        return r;
    }

    public StepSpec spec() {
        return spec;
    }

    public StepState state() {
        return state;
    }

    public int attempt() {
        return attempt;
    }

    public int attemptsInRound() {
        return attemptsInRound;
    }

    public int compensationAttempt() {
        return compensationAttempt;
    }

    public UUID messageId() {
        return messageId;
    }

    public Instant notBefore() {
        return notBefore;
    }

    public Instant deadline() {
        return deadline;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant finishedAt() {
        return finishedAt;
    }

    public JsonNode outputs() {
        return outputs;
    }

    public List<String> secretOutputs() {
        return secretOutputs;
    }

    public Boolean changed() {
        return changed;
    }

    public String diff() {
        return diff;
    }

    public String error() {
        return error;
    }

    boolean awaiting() {
        return messageId != null && (state.inFlight() || state == StepState.COMPENSATING);
    }
}
