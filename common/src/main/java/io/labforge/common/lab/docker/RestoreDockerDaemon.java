package io.labforge.common.lab.docker;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;

/** Undoes {@link ConfigureDockerDaemon}. */
@Message(name = "agent.RestoreDockerDaemon")
public record RestoreDockerDaemon(String previousContent, boolean existed) implements AgentCommand {
}
