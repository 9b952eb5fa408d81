package io.labforge.common.exec;

/** A step cannot be done; {@code retryable} says whether running it again may help. */
public class ExecutorException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean retryable;

    public ExecutorException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public ExecutorException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** Bad input or a host in a state Labforge must not touch: running again will not help. */
    public static ExecutorException refused(String message) {
        return new ExecutorException(message, false);
    }

    /**
     * Waits {@code millis} between two looks at what a step waits for; an interrupt (the worker stopping)
     * fails the step as retryable, the thread's interrupt flag kept.
     */
    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExecutorException("interrupted", true, e);
        }
    }

    public boolean retryable() {
        return retryable;
    }
}
