package io.labforge.cluster.swarm;

import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import com.github.dockerjava.api.model.SwarmNodeSpec;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.swarm.SetNodeAvailability;
import io.labforge.common.messaging.Json;
import java.util.Locale;

/**
 * A node's availability through the manager's Engine API: {@code drain} moves its tasks away,
 * {@code active} lets the scheduler use it again. Its undo is the same command with the previous value.
 */
public final class NodeAvailabilityExecutor implements Executor<SetNodeAvailability> {
    private final Managers managers;

    public NodeAvailabilityExecutor(Managers managers) {
        this.managers = managers;
    }

    @Override
    public Class<SetNodeAvailability> commandType() {
        return SetNodeAvailability.class;
    }

    @Override
    public Outcome check(SetNodeAvailability c, StepContext ctx) {
        return run(c, ctx, false);
    }

    @Override
    public Outcome apply(SetNodeAvailability c, StepContext ctx) {
        return run(c, ctx, true);
    }

    private Outcome run(SetNodeAvailability c, StepContext ctx, boolean apply) {
        SwarmNodeAvailability wanted;
        try {
            wanted = SwarmNodeAvailability.valueOf(c.availability().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ExecutorException.refused("availability '" + c.availability() + "' is not active, pause or drain");
        }
        return managers.call(c.lab(), c.manager(), dc -> {
            SwarmNode node = dc.listSwarmNodesCmd().exec().stream()
                    .filter(n -> n.getDescription() != null && c.node().equals(n.getDescription().getHostname())).findFirst()
                    .orElseThrow(() -> new ExecutorException("the swarm has no node " + c.node() + " (yet)", true));
            SwarmNodeSpec spec = node.getSpec();
            SwarmNodeAvailability now = spec.getAvailability();
            var out = Json.object().put("previous", now.name().toLowerCase(Locale.ROOT));
            if (now == wanted) {
                return Outcome.of(false, c.node() + " is " + c.availability(), out);
            }
            if (apply) {
                dc.updateSwarmNodeCmd().withSwarmNodeId(node.getId()).withVersion(node.getVersion().getIndex())
                        .withSwarmNodeSpec(spec.withAvailability(wanted)).exec();
                ctx.progress().accept(c.node() + ": " + now.name().toLowerCase(Locale.ROOT) + " → " + c.availability());
            }
            return Outcome.of(true, "~ " + c.node() + " " + now.name().toLowerCase(Locale.ROOT) + " → " + c.availability(), out);
        });
    }
}
