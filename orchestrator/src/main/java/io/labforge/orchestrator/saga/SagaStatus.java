package io.labforge.orchestrator.saga;

/** A saga's status. SUCCEEDED, COMPENSATED and FAILED are final (FAILED: a plan with a failed check, or a compensation that failed). */
public enum SagaStatus {
    RUNNING, PAUSED, SUCCEEDED, COMPENSATING, COMPENSATED, FAILED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == COMPENSATED || this == FAILED;
    }
}
