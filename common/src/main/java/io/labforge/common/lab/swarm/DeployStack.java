package io.labforge.common.lab.swarm;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;
import java.util.Map;

/**
 * R20: {@code docker stack deploy} of a compose file on this manager, awaited until every service
 * runs its replicas. Outputs {@code created} (the stack did not exist), {@code services}.
 */
@Message(name = "agent.DeployStack")
public record DeployStack(String stack, String compose, Map<String, String> files, Map<String, String> env) implements AgentCommand {
    public static final Output<DeployStack, Boolean> CREATED = Output.flag("created");
    public static final Output<DeployStack, Object> SERVICES = Output.json("services");
}
