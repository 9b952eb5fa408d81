package io.labforge.common.lab.swarm;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;
import java.util.List;

/**
 * R17: makes this host the first manager of a new swarm (or finds it is one already). Outputs:
 * {@code nodeId}, {@code managerAddress} ({@code addr:2377}), {@code created}, and the secret
 * {@code workerToken} and {@code managerToken}.
 */
@Message(name = "agent.SwarmInit")
public record SwarmInit(String advertiseAddress, int dataPathPort, List<String> defaultAddrPool) implements AgentCommand {
    public static final Output<SwarmInit, String> NODE_ID = Output.text("nodeId");
    /** {@code address:2377}. */
    public static final Output<SwarmInit, String> MANAGER_ADDRESS = Output.text("managerAddress");
    public static final Output<SwarmInit, Boolean> CREATED = Output.flag("created");
    public static final Output<SwarmInit, String> WORKER_TOKEN = Output.secret("workerToken");
    public static final Output<SwarmInit, String> MANAGER_TOKEN = Output.secret("managerToken");
}
