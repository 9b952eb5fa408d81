package io.labforge.orchestrator.saga;

import io.labforge.common.id.StepId;
import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.planner.Refs;
import io.labforge.orchestrator.planner.StepSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * How a saga is undone, for {@link SagaEngine}: each succeeded step's compensation, latest first, once every step
 * that depends on it is undone; the saga ends COMPENSATED, or FAILED when a compensation fails for good.
 */
final class Compensation {
    private Compensation() {
    }

    /**
     * Undoes succeeded steps whose dependents are all undone (or never ran), latest first; waits for
     * steps still in flight, since they may yet succeed and then need undoing too.
     */
    static void undoReady(Saga saga, Instant now, List<Effect> out) {
        if (saga.count(StepState.DISPATCHED) + saga.count(StepState.RUNNING) > 0) {
            return;
        }
        boolean progressed = true;
        while (progressed) {
            progressed = false;
            List<StepRun> reversed = new ArrayList<>(saga.steps.values());
            Collections.reverse(reversed);
            for (StepRun r : reversed) {
                if (r.state == StepState.PENDING && r.notBefore != null) {
                    r.notBefore = null; // a scheduled retry is cancelled: the saga is being undone
                    saga.touch(r);
                }
                boolean waitingRetry = r.state == StepState.COMPENSATING && r.messageId == null;
                if (!(r.state == StepState.SUCCEEDED || waitingRetry) || !dependentsUndone(saga, r)) {
                    continue;
                }
                if (waitingRetry && r.notBefore != null && now.isBefore(r.notBefore)) {
                    continue;
                }
                StepSpec.Compensation c = r.spec.compensation();
                if (c == null || saga.mode == Saga.Mode.PLAN) {
                    saga.move(r, StepState.COMPENSATED);
                    saga.touch(r);
                    out.add(new Effect.Audit("step.compensated", r.spec.id(), r.spec.target(),
                            Json.object().put("changed", false).put("diff", "nothing to undo")));
                    progressed = true;
                    continue;
                }
                JsonNode payload;
                try {
                    payload = SagaEngine.resolve(saga, r, c.inputs());
                } catch (Refs.UnresolvedRef e) {
                    saga.move(r, StepState.COMPENSATION_FAILED);
                    r.error = e.getMessage();
                    saga.touch(r);
                    out.add(new Effect.Audit("step.compensation-failed", r.spec.id(), r.spec.target(),
                            Json.object().put("reason", e.getMessage())));
                    continue;
                }
                saga.move(r, StepState.COMPENSATING);
                r.compensationAttempt++;
                r.messageId = UUID.randomUUID();
                r.notBefore = null;
                r.deadline = now.plus(r.spec.timeout());
                saga.touch(r);
                out.add(new Effect.Dispatch(r.spec.id(), c.commandType(), r.spec.target(), payload,
                        r.compensationAttempt, r.messageId, r.deadline, false, true));
                out.add(new Effect.Audit("step.compensation-dispatched", r.spec.id(), r.spec.target(), Json.object()
                        .put("attempt", r.compensationAttempt).put("command", c.commandType()).set("inputs", c.inputs())));
            }
        }
        boolean busy = false;
        boolean failed = false;
        for (StepRun r : saga.steps.values()) {
            busy |= r.state == StepState.SUCCEEDED || r.state == StepState.COMPENSATING;
            failed |= r.state == StepState.COMPENSATION_FAILED;
        }
        if (failed && saga.steps.values().stream().noneMatch(r -> r.state == StepState.COMPENSATING && r.messageId != null)) {
            saga.status(SagaStatus.FAILED);
            out.add(new Effect.Audit("saga.failed", null, null, Json.object()
                    .put("reason", "a compensation failed; what it should have undone must be undone by hand")));
        } else if (!busy && !failed) {
            saga.status(SagaStatus.COMPENSATED);
            out.add(new Effect.Audit("saga.compensated", null, null, Json.object()));
        }
    }

    private static boolean dependentsUndone(Saga saga, StepRun r) {
        for (StepId d : saga.dependents.get(r.spec.id())) {
            StepState s = saga.steps.get(d).state;
            if (s == StepState.SUCCEEDED || s == StepState.COMPENSATING || s.inFlight() || s == StepState.COMPENSATION_FAILED) {
                return false;
            }
        }
        return true;
    }

}
