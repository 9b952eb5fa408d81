package io.labforge.orchestrator.runtime;

/** No saga has this id. */
public class SagaNotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SagaNotFound(String id) {
        super("no saga has id " + id);
    }
}
