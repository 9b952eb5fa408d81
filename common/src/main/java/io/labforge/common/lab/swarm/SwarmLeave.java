package io.labforge.common.lab.swarm;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;

/** Undoes {@link SwarmInit} or {@link SwarmJoin}: leaves the swarm, only if that step made this host a member. */
@Message(name = "agent.SwarmLeave")
public record SwarmLeave(boolean member) implements AgentCommand {
}
