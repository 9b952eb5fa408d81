package io.labforge.orchestrator.saga;

/** The life of one step: forward, then (for a compensated saga) backward. */
public enum StepState {
    PENDING, DISPATCHED, RUNNING, SUCCEEDED, FAILED, COMPENSATING, COMPENSATED, COMPENSATION_FAILED;

    boolean inFlight() {
        return this == DISPATCHED || this == RUNNING;
    }
}
