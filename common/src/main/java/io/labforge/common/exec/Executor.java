package io.labforge.common.exec;

/**
 * Makes one kind of command true on the host. {@link #check} changes nothing and says what
 * {@link #apply} would change; {@link #apply} is idempotent: run twice, the second run changes
 * nothing and says so.
 */
public interface Executor<C> {
    Class<C> commandType();

    Outcome check(C command, StepContext context);

    Outcome apply(C command, StepContext context);
}
