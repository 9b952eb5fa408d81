package io.labforge.orchestrator.saga;

import io.labforge.common.id.StepId;
import io.labforge.common.messaging.Json;
import java.util.List;

/**
 * How a running saga ends, for {@link SagaEngine}: SUCCEEDED when every step did, FAILED once a failed step leaves
 * nothing else that can still run, PAUSED for a fix ({@code pause} policy, or a resume of some hosts whose held steps
 * are all that is left). Plain functions of the saga's state; the engine calls them after each change.
 */
final class SagaEnd {
    private SagaEnd() {
    }

    /** The steps held by a resume of some hosts are failed again: the saga is about to pause or be undone. */
    static void unhold(Saga saga) {
        for (StepRun run : saga.steps.values()) {
            if (run.state == StepState.HELD) {
                saga.move(run, StepState.FAILED);
                saga.touch(run);
            }
        }
    }

    /** Ends a running saga when nothing more can happen in it: SUCCEEDED, FAILED, or PAUSED with its held steps failed. */
    static void finishIfDone(Saga saga, List<Effect> out) {
        if (saga.count(StepState.FAILED) == 0 && saga.count(StepState.HELD) > 0) {
            // a resume of some hosts: once nothing else can run, pause again with the held steps failed
            if (saga.steps.values().stream().noneMatch(r -> canStillRun(saga, r))) {
                unhold(saga);
                pauseForFailures(saga, out);
            }
            return;
        }
        if (saga.count(StepState.FAILED) == 0) {
            if (saga.count(StepState.PENDING) + saga.count(StepState.DISPATCHED) + saga.count(StepState.RUNNING) == 0) {
                saga.status(SagaStatus.SUCCEEDED);
                out.add(new Effect.Audit("saga.succeeded", null, null, Json.object()));
            }
            return;
        }
        boolean anyOpen = false;
        boolean anyFailed = false;
        for (StepRun r : saga.steps.values()) {
            if (r.state == StepState.FAILED) {
                anyFailed = true;
            } else if (r.state != StepState.SUCCEEDED) {
                if (canStillRun(saga, r)) {
                    anyOpen = true;
                }
            }
        }
        if (anyOpen) {
            return;
        }
        saga.status(anyFailed ? SagaStatus.FAILED : SagaStatus.SUCCEEDED);
        out.add(new Effect.Audit(anyFailed ? "saga.failed" : "saga.succeeded", null, null,
                anyFailed ? Json.object().put("failedSteps", failedSteps(saga)) : Json.object()));
    }

    /** In flight, or waiting for a retry, or pending with every step it needs still able to succeed. */
    private static boolean canStillRun(Saga saga, StepRun r) {
        return r.state.inFlight() || r.state == StepState.PENDING && (r.notBefore != null || depsCanStillSucceed(saga, r));
    }

    /** Pauses the saga for a fix of its failed steps (the {@code pause} policy), saying which they are. */
    static void pauseForFailures(Saga saga, List<Effect> out) {
        saga.status(SagaStatus.PAUSED);
        out.add(new Effect.Audit("saga.paused", null, null, Json.object()
                .put("failedSteps", failedSteps(saga)).put("next", "fix the host, then resume")));
    }

    private static boolean depsCanStillSucceed(Saga saga, StepRun r) {
        for (StepId d : r.spec.dependsOn()) {
            StepRun dep = saga.steps.get(d);
            if (dep.state == StepState.FAILED || dep.state == StepState.HELD || dep.state == StepState.PENDING && !depsCanStillSucceed(saga, dep)) {
                return false;
            }
        }
        return true;
    }

    /** The failed steps with their errors, for the audit rows. */
    static String failedSteps(Saga saga) {
        return saga.steps.values().stream().filter(r -> r.state == StepState.FAILED)
                .map(r -> r.spec.id() + " (" + r.error + ")").toList().toString();
    }
}
