package io.labforge.agent.executor.swarm;

import io.labforge.common.exec.Executor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.swarm.SwarmLeave;
import io.labforge.common.messaging.Json;
import java.util.List;

/**
 * Undoes a swarm step: {@code docker swarm leave --force}, only where that step made the host a member
 * (the last manager leaving dismantles the swarm).
 */
public final class SwarmLeaveExecutor implements Executor<SwarmLeave> {

    @Override
    public Class<SwarmLeave> commandType() {
        return SwarmLeave.class;
    }

    @Override
    public Outcome check(SwarmLeave c, StepContext ctx) {
        boolean leave = c.member() && SwarmState.read(ctx).active();
        return leave ? Outcome.of(true, "- docker swarm leave --force", Json.object()) : Outcome.unchanged("not a member by this lab's doing");
    }

    @Override
    public Outcome apply(SwarmLeave c, StepContext ctx) {
        if (!c.member() || !SwarmState.read(ctx).active()) {
            return Outcome.unchanged("not a member by this lab's doing");
        }
        ctx.processes().require(List.of("docker", "swarm", "leave", "--force"), SwarmState.QUICK, ctx.progress());
        return Outcome.of(true, "- left the swarm", Json.object());
    }
}
