package io.labforge.orchestrator.saga;

/**
 * The life of one step: forward, then (for a compensated saga) backward. {@code HELD}: failed, and set aside while a
 * resume retries other hosts' failed steps; it is FAILED again when the saga pauses.
 */
public enum StepState {
    PENDING, DISPATCHED, RUNNING, SUCCEEDED, FAILED, HELD, COMPENSATING, COMPENSATED, COMPENSATION_FAILED;

    boolean inFlight() {
        return this == DISPATCHED || this == RUNNING;
    }
}
