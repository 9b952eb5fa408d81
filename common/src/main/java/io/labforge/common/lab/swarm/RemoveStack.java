package io.labforge.common.lab.swarm;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;

/** Undoes {@link DeployStack}: {@code docker stack rm}, only if that step created the stack. */
@Message(name = "agent.RemoveStack")
public record RemoveStack(String stack, boolean created) implements AgentCommand {
}
