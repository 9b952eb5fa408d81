package io.labforge.agent.executor.noop;

import io.labforge.common.agent.Noop;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.messaging.Json;

/** Changes nothing: the benchmark's simulated hosts and the saga's tests use it. */
public final class NoopExecutor implements Executor<Noop> {

    @Override
    public Class<Noop> commandType() {
        return Noop.class;
    }

    @Override
    public Outcome check(Noop c, StepContext ctx) {
        return Outcome.unchanged("no-op");
    }

    @Override
    public Outcome apply(Noop c, StepContext ctx) {
        c.say().forEach(ctx.progress());
        if (ctx.attempt() <= c.failAttempts()) {
            throw new ExecutorException("no-op told to fail attempt " + ctx.attempt(), true);
        }
        if (c.sleepMillis() > 0) {
            ExecutorException.pause(c.sleepMillis());
        }
        return Outcome.of(false, "no-op", Json.object().put("attempt", ctx.attempt()));
    }
}
