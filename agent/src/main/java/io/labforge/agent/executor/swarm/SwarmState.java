package io.labforge.agent.executor.swarm;

import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.StepContext;
import io.labforge.common.messaging.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** This host's place in a swarm, from {@code docker info --format '{{json .Swarm}}'}. */
record SwarmState(String localNodeState, String nodeId, boolean controlAvailable, List<String> remoteManagers, String error) {
    static final Duration QUICK = Duration.ofMinutes(2);

    static SwarmState parse(String json) {
        JsonNode n;
        try {
            n = Json.read(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("docker info did not print the swarm state as JSON: " + json.strip(), e);
        }
        List<String> managers = new ArrayList<>();
        n.path("RemoteManagers").forEach(m -> managers.add(m.path("Addr").asString("")));
        return new SwarmState(n.path("LocalNodeState").asString("inactive"), n.path("NodeID").asString(""),
                n.path("ControlAvailable").asBoolean(false), List.copyOf(managers), n.path("Error").asString(""));
    }

    static SwarmState read(StepContext ctx) {
        if (!ctx.root().isReal()) {
            throw ExecutorException.refused("a swarm needs the real host and its Docker daemon; this agent runs with the test root "
                    + ctx.root().dir());
        }
        return parse(ctx.processes().query(List.of("docker", "info", "--format", "{{json .Swarm}}"), QUICK));
    }

    boolean active() {
        return localNodeState.equals("active");
    }

    /** Whether this node is in the swarm whose manager answers at {@code managerAddress}. */
    boolean memberOf(String managerAddress) {
        return active() && remoteManagers.contains(managerAddress);
    }
}
