package io.labforge.common.lab.host;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;

/** Undoes {@link SetHostname}. */
@Message(name = "agent.RestoreHostname")
public record RestoreHostname(String hostname) implements AgentCommand {
}
