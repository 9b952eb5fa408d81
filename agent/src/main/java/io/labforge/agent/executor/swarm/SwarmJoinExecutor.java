package io.labforge.agent.executor.swarm;

import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.swarm.SwarmJoin;
import io.labforge.common.messaging.Json;
import java.util.List;

/**
 * R17: {@code docker swarm join} as worker or manager. A host already in that swarm is left as it is;
 * one in another swarm is refused. The token reaches the agent sealed and is masked in any output.
 */
public final class SwarmJoinExecutor implements Executor<SwarmJoin> {

    @Override
    public Class<SwarmJoin> commandType() {
        return SwarmJoin.class;
    }

    @Override
    public Outcome check(SwarmJoin c, StepContext ctx) {
        SwarmState s = SwarmState.read(ctx);
        if (s.memberOf(c.managerAddress())) {
            return Outcome.of(false, "already in the swarm of " + c.managerAddress(), Json.object().put("member", false));
        }
        refuseIfElsewhere(s, c);
        return Outcome.of(true, "+ docker swarm join as " + c.role() + " to " + c.managerAddress(), Json.object().put("member", false));
    }

    @Override
    public Outcome apply(SwarmJoin c, StepContext ctx) {
        if (!c.role().equals("worker") && !c.role().equals("manager")) {
            throw ExecutorException.refused("role '" + c.role() + "' is neither worker nor manager");
        }
        SwarmState s = SwarmState.read(ctx);
        if (s.memberOf(c.managerAddress())) {
            return Outcome.of(false, "already in the swarm of " + c.managerAddress(), Json.object().put("member", false));
        }
        refuseIfElsewhere(s, c);
        // the token is an argument of docker's own CLI; every line it prints is masked
        new ProcessRunner(List.of(c.token())).require(List.of("docker", "swarm", "join", "--token", c.token(),
                "--advertise-addr", c.advertiseAddress(), c.managerAddress()), SwarmState.QUICK, ctx.progress());
        return Outcome.of(true, "+ joined the swarm of " + c.managerAddress() + " as " + c.role(), Json.object().put("member", true));
    }

    private static void refuseIfElsewhere(SwarmState s, SwarmJoin c) {
        if (s.active()) {
            throw ExecutorException.refused("this host is in another swarm (managers " + s.remoteManagers() + ", not "
                    + c.managerAddress() + "): leave it first (docker swarm leave), then resume");
        }
    }
}
