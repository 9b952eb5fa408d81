package io.labforge.agent.executor.swarm;

import io.labforge.common.exec.Executor;
import java.util.List;

/** Swarm on its nodes (R17, R20): the agent's executors of this feature. */
public final class SwarmExecutors {
    private SwarmExecutors() {
    }

    public static List<Executor<?>> all() {
        return List.of(
                new SwarmInitExecutor(),
                new SwarmJoinExecutor(),
                new SwarmLeaveExecutor(),
                new BuildStackExecutor(),
                new DeployStackExecutor(),
                new RemoveStackExecutor());
    }
}
