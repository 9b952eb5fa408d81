package io.labforge.agent.executor.swarm;

import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.swarm.SwarmInit;
import io.labforge.common.messaging.Json;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * R17: {@code docker swarm init} on the first manager, with the lab's address and data-path port; on
 * a host that already manages a swarm, nothing changes and the tokens are read again. The join tokens
 * are secret outputs: sealed to the orchestrator before they leave the host.
 */
public final class SwarmInitExecutor implements Executor<SwarmInit> {
    static final List<String> SECRETS = List.of("workerToken", "managerToken");

    @Override
    public Class<SwarmInit> commandType() {
        return SwarmInit.class;
    }

    @Override
    public Outcome check(SwarmInit c, StepContext ctx) {
        SwarmState s = SwarmState.read(ctx);
        if (s.active() && s.controlAvailable()) {
            return new Outcome(false, "already a manager of a swarm", outputs(c, s, ctx, false), SECRETS);
        }
        refuseIfMember(s);
        return Outcome.of(true, "+ " + String.join(" ", argv(c)), Json.object().put("created", false));
    }

    @Override
    public Outcome apply(SwarmInit c, StepContext ctx) {
        SwarmState s = SwarmState.read(ctx);
        if (s.active() && s.controlAvailable()) {
            return new Outcome(false, "already a manager of a swarm", outputs(c, s, ctx, false), SECRETS);
        }
        refuseIfMember(s);
        ctx.processes().require(argv(c), SwarmState.QUICK, null); // its output holds the worker token: not progress
        SwarmState now = SwarmState.read(ctx);
        return new Outcome(true, "+ swarm initialised, this host its manager (" + c.advertiseAddress() + ":2377)",
                outputs(c, now, ctx, true), SECRETS);
    }

    static List<String> argv(SwarmInit c) {
        List<String> argv = new ArrayList<>(List.of("docker", "swarm", "init", "--advertise-addr", c.advertiseAddress(),
                "--data-path-port", Integer.toString(c.dataPathPort())));
        // the overlay networks' subnets come from these pools (Docker's default is 10.0.0.0/8, which a lab network may use)
        for (String pool : c.defaultAddrPool() == null ? List.<String>of() : c.defaultAddrPool()) {
            argv.add("--default-addr-pool");
            argv.add(pool);
        }
        return argv;
    }

    private static void refuseIfMember(SwarmState s) {
        if (s.active()) {
            throw ExecutorException.refused("this host is a worker of another swarm (managers " + s.remoteManagers()
                    + "): leave it first (docker swarm leave), then resume");
        }
        if (!s.localNodeState().equals("inactive")) {
            throw new ExecutorException("the swarm state is '" + s.localNodeState() + "' " + s.error() + ": wait, or docker swarm leave --force", true);
        }
    }

    private static ObjectNode outputs(SwarmInit c, SwarmState s, StepContext ctx, boolean created) {
        ObjectNode o = Json.object().put("nodeId", s.nodeId()).put("created", created)
                .put("managerAddress", c.advertiseAddress() + ":2377");
        o.put("workerToken", token(ctx, "worker"));
        o.put("managerToken", token(ctx, "manager"));
        return o;
    }

    private static String token(StepContext ctx, String role) {
        return ctx.processes().query(List.of("docker", "swarm", "join-token", "--quiet", role), SwarmState.QUICK).strip();
    }
}
