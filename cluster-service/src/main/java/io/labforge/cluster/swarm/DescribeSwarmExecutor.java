package io.labforge.cluster.swarm;

import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.SwarmNode;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.swarm.DescribeSwarm;
import io.labforge.common.messaging.Json;
import java.util.Locale;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The swarm as its manager sees it: nodes (state, availability) and services (running of desired). Read only. */
public final class DescribeSwarmExecutor implements Executor<DescribeSwarm> {
    private final Managers managers;

    public DescribeSwarmExecutor(Managers managers) {
        this.managers = managers;
    }

    @Override
    public Class<DescribeSwarm> commandType() {
        return DescribeSwarm.class;
    }

    @Override
    public Outcome check(DescribeSwarm c, StepContext ctx) {
        return apply(c, ctx);
    }

    @Override
    public Outcome apply(DescribeSwarm c, StepContext ctx) {
        return managers.call(c.lab(), c.manager(), dc -> {
            ObjectNode out = Json.object();
            ArrayNode nodes = out.putArray("nodes");
            StringBuilder text = new StringBuilder();
            for (SwarmNode n : dc.listSwarmNodesCmd().exec()) {
                String host = n.getDescription() == null ? n.getId() : n.getDescription().getHostname();
                String state = n.getStatus() == null || n.getStatus().getState() == null ? "unknown"
                        : n.getStatus().getState().name().toLowerCase(Locale.ROOT);
                String availability = n.getSpec() == null || n.getSpec().getAvailability() == null ? "unknown"
                        : n.getSpec().getAvailability().name().toLowerCase(Locale.ROOT);
                String role = n.getSpec() == null || n.getSpec().getRole() == null ? "unknown"
                        : n.getSpec().getRole().name().toLowerCase(Locale.ROOT);
                boolean leader = n.getManagerStatus() != null && n.getManagerStatus().isLeader();
                nodes.addObject().put("hostname", host).put("role", role).put("state", state).put("availability", availability)
                        .put("leader", leader);
                text.append("node ").append(host).append(' ').append(role).append(leader ? " (leader)" : "").append(' ')
                        .append(state).append(' ').append(availability).append('\n');
            }
            ArrayNode services = out.putArray("services");
            for (Service s : dc.listServicesCmd().exec()) {
                String name = s.getSpec().getName();
                long desired = s.getSpec().getMode() != null && s.getSpec().getMode().getReplicated() != null
                        ? s.getSpec().getMode().getReplicated().getReplicas() : -1;
                long running = Math.max(0, SwarmServices.running(dc, name));
                String image = s.getSpec().getTaskTemplate().getContainerSpec().getImage();
                services.addObject().put("name", name).put("image", image == null ? "" : image.split("@")[0])
                        .put("desired", desired).put("running", running);
                text.append("service ").append(name).append(' ').append(running).append('/').append(desired).append('\n');
            }
            return Outcome.of(false, text.toString().strip(), out);
        });
    }
}
