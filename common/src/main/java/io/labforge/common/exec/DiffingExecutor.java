package io.labforge.common.exec;

/**
 * An executor whose check and apply are one computation of the difference, applied or not: the
 * plan then shows exactly what apply would do.
 */
public abstract class DiffingExecutor<C> implements Executor<C> {

    /** Computes what differs from the command; changes the host only when {@code apply}. */
    protected abstract Outcome run(C command, StepContext context, boolean apply);

    @Override
    public final Outcome check(C command, StepContext context) {
        return run(command, context, false);
    }

    @Override
    public final Outcome apply(C command, StepContext context) {
        return run(command, context, true);
    }
}
