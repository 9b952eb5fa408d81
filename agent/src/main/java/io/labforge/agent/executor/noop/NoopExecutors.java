package io.labforge.agent.executor.noop;

import io.labforge.common.exec.Executor;
import java.util.List;

/** The benchmark's and the saga tests' no-op: the agent's executors of this feature. */
public final class NoopExecutors {
    private NoopExecutors() {
    }

    public static List<Executor<?>> all() {
        return List.of(
                new NoopExecutor());
    }
}
