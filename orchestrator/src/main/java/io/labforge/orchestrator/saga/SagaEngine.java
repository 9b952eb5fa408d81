package io.labforge.orchestrator.saga;

import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab.FailurePolicy;
import io.labforge.common.messaging.Json;
import io.labforge.common.sealing.Sealing;
import io.labforge.common.step.StepEvent;
import io.labforge.orchestrator.planner.Refs;
import io.labforge.orchestrator.planner.StepSpec.RetryPolicy;
import io.labforge.orchestrator.planner.StepSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * The saga state machine, in plain Java: no Spring, Kafka or JDBC. Each call mutates a {@link Saga}
 * and returns the effects (commands to send, audit rows) that an adapter must persist in the same
 * transaction as the new state.
 *
 * <p>Ready steps are dispatched in parallel, at most {@code maxInFlightPerTarget} per host. A failed
 * step is retried with backoff while its policy allows and the worker says a retry can help; then
 * the lab's failure policy decides: {@code pause} (fix, then {@link #resume}) or {@code compensate}
 * (completed steps undone in reverse dependency order: {@link Compensation}). When a saga ends: {@link SagaEnd}.
 */
public final class SagaEngine {
    /** Shown instead of a secret output in the audit log, events and the API. */
    public static final String REDACTED = "***redacted***";

    private final int maxInFlightPerTarget;
    private final int maxDispatchPerCall;

    public SagaEngine(int maxInFlightPerTarget) {
        this(maxInFlightPerTarget, Integer.MAX_VALUE);
    }

    /**
     * {@code maxDispatchPerCall}: at most this many commands per call (so per transaction); the rest
     * wait for the next call, which the caller makes at once when {@link Saga#takeMoreToDispatch()} says
     * so. A lab of many hosts then starts as a stream of small transactions whose commands leave while
     * the next are written, not as one large one whose first command waits for the last.
     */
    public SagaEngine(int maxInFlightPerTarget, int maxDispatchPerCall) {
        this.maxInFlightPerTarget = maxInFlightPerTarget;
        this.maxDispatchPerCall = maxDispatchPerCall;
    }

    public SagaEngine() {
        this(4);
    }

    /** An event from a worker about one command; {@code signer}: the worker whose signature it carries. */
    public record Incoming(StepId step, UUID causationId, String signer, StepEvent event) {
    }

    public List<Effect> start(Saga saga, Instant now) {
        List<Effect> out = new ArrayList<>();
        // the values the steps share are audited once, here: a step's inputs name them ({"$shared": name})
        out.add(new Effect.Audit("saga.started", null, null,
                Json.object().put("mode", saga.mode.name()).put("policy", saga.policy.name()).put("steps", saga.steps.size())
                        .set("shared", Json.tree(saga.shared))));
        advance(saga, now, out);
        return out;
    }

    public List<Effect> onEvent(Saga saga, Incoming in, Instant now) {
        List<Effect> out = new ArrayList<>();
        StepRun run = saga.steps.get(in.step());
        if (run == null || run.messageId == null || !run.messageId.equals(in.causationId())) {
            return out; // stale: an earlier attempt, a duplicate, or a step that is no longer awaited
        }
        boolean compensation = run.state == StepState.COMPENSATING;
        String target = run.spec.target();
        if (!target.equals(in.signer())) {
            // a registered worker speaking for a step sent to another: believed by no one
            out.add(new Effect.Audit("event.refused", run.spec.id(), target, Json.object().put("signer", in.signer())
                    .put("reason", "signed by " + in.signer() + ", but the step was sent to " + target)));
            return out;
        }
        StepEvent event = in.event();
        if (event instanceof StepEvent.Started s) {
            if (run.state == StepState.DISPATCHED) {
                saga.move(run, StepState.RUNNING);
                saga.touch(run);
                out.add(new Effect.Audit("step.started", run.spec.id(), target,
                        Json.object().put("attempt", run.attempt).put("worker", s.worker())));
            }
        } else if (event instanceof StepEvent.Progress p) {
            out.add(new Effect.Progress(run.spec.id(), target, p.line()));
        } else if (event instanceof StepEvent.Succeeded s) {
            succeeded(saga, run, s, compensation, now, out);
        } else if (event instanceof StepEvent.Failed f) {
            fail(saga, run, f.reason(), f.retryable(), now, out);
        } else if (event instanceof StepEvent.CommandRejected r) {
            // an expired command did not run (the worker looks it up in its journal first): another attempt may
            boolean retryable = r.rejection() == StepEvent.Rejection.EXPIRED;
            fail(saga, run, "the worker refused the command (" + r.rejection() + "): " + r.reason(), retryable, now, out);
        }
        // what the rows so far record is the worker's signed word about this step
        out.replaceAll(e -> e instanceof Effect.Audit a && run.spec.id().equals(a.step()) ? a.signedBy(in.signer()) : e);
        // only the steps that wait for this one, and those of its host (a slot is free), can have become ready
        List<StepRun> candidates = new ArrayList<>(saga.byTarget.get(run.spec.target()));
        for (StepId d : saga.dependents.get(run.spec.id())) {
            candidates.add(saga.steps.get(d));
        }
        advance(saga, now, out, candidates);
        return out;
    }

    /**
     * Gives the steps awaiting an answer {@code by} more time: Kafka was away, so neither their command
     * nor their answer could travel. Returns how many steps it moved.
     */
    public int extendDeadlines(Saga saga, Duration by) {
        int moved = 0;
        for (StepRun r : saga.steps.values()) {
            if (r.awaiting() && r.deadline != null) {
                r.deadline = r.deadline.plus(by);
                saga.touch(r);
                moved++;
            }
        }
        return moved;
    }

    /**
     * The commands in flight whose type {@code kinds} accepts, built again as they were sent (same
     * message id, attempt and deadline): for a new owner to run the steps it runs itself, which died
     * with the orchestrator that had started them. Changes nothing.
     */
    public List<Effect.Dispatch> inFlight(Saga saga, java.util.function.Predicate<String> kinds) {
        List<Effect.Dispatch> out = new ArrayList<>();
        for (StepRun r : saga.steps.values()) {
            if (r.messageId == null) {
                continue;
            }
            boolean forward = r.state == StepState.DISPATCHED || r.state == StepState.RUNNING;
            StepSpec.Compensation c = r.spec.compensation();
            boolean undo = r.state == StepState.COMPENSATING && c != null;
            String kind = forward ? r.spec.commandType() : undo ? c.commandType() : null;
            if (kind == null || !kinds.test(kind)) {
                continue;
            }
            try {
                JsonNode payload = resolve(saga, r, forward ? r.spec.inputs() : c.inputs());
                out.add(new Effect.Dispatch(r.spec.id(), kind, r.spec.target(), payload, forward ? r.attempt : r.compensationAttempt,
                        r.messageId, r.deadline, forward && saga.mode == Saga.Mode.PLAN, !forward));
            } catch (Refs.UnresolvedRef e) {
                // it resolved when it was sent; if it no longer does, its timeout decides
            }
        }
        return out;
    }

    /** Times out overdue steps and dispatches those whose retry delay has passed. */
    public List<Effect> tick(Saga saga, Instant now) {
        List<Effect> out = new ArrayList<>();
        for (StepRun run : saga.steps.values()) {
            if (run.awaiting() && run.deadline != null && !now.isBefore(run.deadline)) {
                run.messageId = null; // a late answer to the timed-out attempt is ignored
                fail(saga, run, "no answer within " + run.spec.timeout().toSeconds() + "s (timeout)", true, now, out);
            }
        }
        advance(saga, now, out);
        return out;
    }

    /**
     * Fails at once, with no retry, the steps awaiting an answer from {@code target} whose command type
     * {@code kinds} accepts: the host went silent, so the lab's failure policy takes over now instead of
     * after their timeouts. A late answer is ignored, as after a timeout.
     */
    public List<Effect> targetGone(Saga saga, String target, java.util.function.Predicate<String> kinds, String reason, Instant now) {
        List<Effect> out = new ArrayList<>();
        for (StepRun run : saga.byTarget.getOrDefault(target, List.of())) {
            StepSpec.Compensation c = run.spec.compensation();
            String kind = run.state == StepState.COMPENSATING ? c == null ? null : c.commandType() : run.spec.commandType();
            if (run.awaiting() && kind != null && kinds.test(kind)) {
                fail(saga, run, reason, false, now, out);
            }
        }
        if (!out.isEmpty()) {
            advance(saga, now, out);
        }
        return out;
    }

    /** Runs the failed steps of a paused saga again, with a fresh retry budget. */
    public List<Effect> resume(Saga saga, Instant now) {
        return resume(saga, now, Set.of());
    }

    /**
     * Runs a paused saga's failed steps again: those on {@code hosts} only (empty: all). The failed steps of other hosts
     * are {@link StepState#HELD} meanwhile; once nothing else can run the saga pauses again with them FAILED.
     */
    public List<Effect> resume(Saga saga, Instant now, Set<String> hosts) {
        if (saga.status != SagaStatus.PAUSED) {
            throw new IllegalStateException("saga " + saga.id + " is " + saga.status + ": only a PAUSED saga can be resumed");
        }
        if (!hosts.isEmpty() && saga.steps.values().stream().noneMatch(r -> r.state == StepState.FAILED && hosts.contains(r.spec.target()))) {
            throw new IllegalArgumentException("host: no failed step runs on " + String.join(", ", new TreeSet<>(hosts)) + "; the failed steps run on "
                    + saga.steps.values().stream().filter(r -> r.state == StepState.FAILED).map(r -> r.spec.target()).distinct().sorted().toList());
        }
        List<Effect> out = new ArrayList<>();
        for (StepRun run : saga.steps.values()) {
            if (run.state == StepState.FAILED) {
                saga.move(run, hosts.isEmpty() || hosts.contains(run.spec.target()) ? StepState.PENDING : StepState.HELD);
                if (run.state == StepState.PENDING) {
                    run.attemptsInRound = 0;
                    run.notBefore = null;
                }
                saga.touch(run);
            }
        }
        saga.status(SagaStatus.RUNNING);
        out.add(new Effect.Audit("saga.resumed", null, null, hosts.isEmpty() ? Json.object()
                : Json.object().set("hosts", Json.tree(new TreeSet<>(hosts)))));
        advance(saga, now, out);
        return out;
    }

    /**
     * Pauses a running saga at an operator's request: nothing more is sent, the steps in flight finish and their
     * results are kept, and the saga waits PAUSED for {@link #resume} (which goes on where it stopped) or
     * {@link #compensate}. Steps held by a resume of some hosts are failed again, as in any pause.
     */
    public List<Effect> pause(Saga saga) {
        if (saga.status != SagaStatus.RUNNING) {
            throw new IllegalStateException("saga " + saga.id + " is " + saga.status + ": only a RUNNING saga can be paused");
        }
        SagaEnd.unhold(saga);
        saga.status(SagaStatus.PAUSED);
        int inFlight = saga.count(StepState.DISPATCHED) + saga.count(StepState.RUNNING);
        return List.of(new Effect.Audit("saga.paused", null, null, Json.object().put("reason", "requested").put("inFlight", inFlight)
                .put("next", "resume to go on, or compensate")));
    }

    /** Undoes the completed steps of a running, paused or finished apply. */
    public List<Effect> compensate(Saga saga, Instant now) {
        if (saga.mode == Saga.Mode.PLAN) {
            throw new IllegalStateException("a plan changed nothing: there is nothing to compensate");
        }
        if (saga.status != SagaStatus.RUNNING && saga.status != SagaStatus.PAUSED && saga.status != SagaStatus.SUCCEEDED) {
            throw new IllegalStateException("saga " + saga.id + " is " + saga.status + ": it cannot be compensated");
        }
        List<Effect> out = new ArrayList<>();
        SagaEnd.unhold(saga);
        saga.status(SagaStatus.COMPENSATING);
        out.add(new Effect.Audit("saga.compensating", null, null, Json.object().put("reason", "requested")));
        advance(saga, now, out);
        return out;
    }

    private void succeeded(Saga saga, StepRun run, StepEvent.Succeeded s, boolean compensation, Instant now,
            List<Effect> out) {
        run.messageId = null;
        run.deadline = null;
        saga.touch(run);
        if (compensation) {
            saga.move(run, StepState.COMPENSATED);
            out.add(new Effect.Audit("step.compensated", run.spec.id(), run.spec.target(),
                    Json.object().put("changed", s.changed()).put("diff", s.diff())));
            return;
        }
        saga.move(run, StepState.SUCCEEDED);
        run.finishedAt = now;
        run.outputs = s.outputs() == null ? Json.object() : s.outputs();
        run.secretOutputs = s.secretOutputs() == null ? List.of() : List.copyOf(s.secretOutputs());
        run.changed = s.changed();
        run.diff = s.diff();
        run.error = null;
        ObjectNode detail = Json.object().put("attempt", run.attempt).put("changed", s.changed())
                .put("diff", s.diff()).put("replayed", s.replayed()).put("durationMillis", s.durationMillis());
        detail.set("outputs", redacted(run));
        out.add(new Effect.Audit(saga.mode == Saga.Mode.PLAN ? "step.checked" : "step.succeeded",
                run.spec.id(), run.spec.target(), detail));
    }

    private void fail(Saga saga, StepRun run, String reason, boolean retryable, Instant now, List<Effect> out) {
        boolean compensation = run.state == StepState.COMPENSATING;
        run.messageId = null;
        run.deadline = null;
        run.error = reason;
        saga.touch(run);
        RetryPolicy retry = run.spec.retry();
        int used = compensation ? run.compensationAttempt : run.attemptsInRound;
        if (retryable && used < retry.maxAttempts()) {
            Duration wait = retry.backoffBefore(used + 1);
            run.notBefore = now.plus(wait);
            if (!compensation) {
                saga.move(run, StepState.PENDING);
            }
            out.add(new Effect.Audit(compensation ? "step.compensation-retry" : "step.retry-scheduled", run.spec.id(),
                    run.spec.target(), Json.object().put("reason", reason).put("after", used)
                            .put("waitMillis", wait.toMillis())));
            return;
        }
        run.notBefore = null;
        if (compensation) {
            saga.move(run, StepState.COMPENSATION_FAILED);
            out.add(new Effect.Audit("step.compensation-failed", run.spec.id(), run.spec.target(),
                    Json.object().put("reason", reason)));
        } else {
            saga.move(run, StepState.FAILED);
            run.finishedAt = now;
            out.add(new Effect.Audit("step.failed", run.spec.id(), run.spec.target(),
                    Json.object().put("reason", reason).put("attempt", run.attempt).put("retryable", retryable)));
        }
    }

    private void advance(Saga saga, Instant now, List<Effect> out) {
        advance(saga, now, out, null);
    }

    /** {@code candidates}: the only steps that may have become ready (null: look at all of them). */
    private void advance(Saga saga, Instant now, List<Effect> out, Collection<StepRun> candidates) {
        if (saga.status == SagaStatus.RUNNING) {
            boolean failed = saga.count(StepState.FAILED) > 0;
            if (failed && saga.mode == Saga.Mode.APPLY) {
                SagaEnd.unhold(saga);
                if (saga.policy == FailurePolicy.PAUSE) {
                    SagaEnd.pauseForFailures(saga, out);
                    return;
                }
                saga.status(SagaStatus.COMPENSATING);
                out.add(new Effect.Audit("saga.compensating", null, null,
                        Json.object().put("reason", "step failed: " + SagaEnd.failedSteps(saga))));
            } else {
                dispatchReady(saga, now, out, candidates);
                SagaEnd.finishIfDone(saga, out);
                return;
            }
        }
        if (saga.status == SagaStatus.COMPENSATING) {
            Compensation.undoReady(saga, now, out);
        }
    }

    private void dispatchReady(Saga saga, Instant now, List<Effect> out, Collection<StepRun> candidates) {
        Map<String, Integer> inFlight = new HashMap<>();
        int dispatched = 0;
        for (StepRun r : candidates == null ? saga.steps.values() : candidates) {
            if (r.state != StepState.PENDING) {
                continue;
            }
            if (dispatched >= maxDispatchPerCall) {
                saga.moreToDispatch = true;
                return;
            }
            inFlight.computeIfAbsent(r.spec.target(), t -> saga.inFlightOn(t));
            if (r.notBefore != null && now.isBefore(r.notBefore)) {
                continue;
            }
            if (inFlight.getOrDefault(r.spec.target(), 0) >= maxInFlightPerTarget || !depsSucceeded(saga, r)) {
                continue;
            }
            JsonNode payload;
            try {
                payload = resolve(saga, r, r.spec.inputs());
            } catch (Refs.UnresolvedRef e) {
                r.attempt++;
                r.attemptsInRound = r.spec.retry().maxAttempts();
                fail(saga, r, e.getMessage(), false, now, out);
                continue;
            }
            r.attempt++;
            r.attemptsInRound++;
            saga.move(r, StepState.DISPATCHED);
            r.messageId = UUID.randomUUID();
            r.startedAt = now;  // this attempt's start: its command leaves now (the console's timeline draws it from here)
            r.finishedAt = null;
            r.notBefore = null;
            r.deadline = now.plus(r.spec.timeout());
            saga.touch(r);
            inFlight.merge(r.spec.target(), 1, Integer::sum);
            dispatched++;
            out.add(new Effect.Dispatch(r.spec.id(), r.spec.commandType(), r.spec.target(), payload, r.attempt,
                    r.messageId, r.deadline, saga.mode == Saga.Mode.PLAN, false));
            out.add(new Effect.Audit("step.dispatched", r.spec.id(), r.spec.target(), Json.object()
                    .put("attempt", r.attempt).put("command", r.spec.commandType()).set("inputs", r.spec.inputs())));
        }
    }

    private static boolean depsSucceeded(Saga saga, StepRun r) {
        for (StepId d : r.spec.dependsOn()) {
            if (saga.steps.get(d).state != StepState.SUCCEEDED) {
                return false;
            }
        }
        return true;
    }

    /** A step's inputs with the references to other steps' outputs (and the plan's shared values) filled in. */
    static JsonNode resolve(Saga saga, StepRun self, JsonNode inputs) {
        return Refs.resolve(inputs, saga.shared, (step, output) -> {
            StepRun source = step.equals(Refs.SELF) ? self : saga.steps.get(StepId.of(step));
            JsonNode v = source == null || source.outputs == null ? null : source.outputs.get(output);
            if (v == null && saga.mode == Saga.Mode.PLAN) {
                return Optional.of(StringNode.valueOf("<" + step + "#" + output + ">"));
            }
            if (v != null && source.secretOutputs.contains(output)) {
                // marked for the adapter: it seals the value to the command's reader before it leaves the process
                return Optional.of(Json.object().set(Sealing.SECRET, v));
            }
            return Optional.ofNullable(v);
        });
    }

    /** A step's outputs with its secret ones replaced by {@link #REDACTED}. */
    public static JsonNode redacted(StepRun run) {
        if (run.outputs == null) {
            return Json.object();
        }
        ObjectNode copy = run.outputs.isObject() ? ((ObjectNode) run.outputs).deepCopy() : Json.object();
        for (String s : run.secretOutputs) {
            if (copy.has(s)) {
                copy.put(s, REDACTED);
            }
        }
        return copy;
    }
}
