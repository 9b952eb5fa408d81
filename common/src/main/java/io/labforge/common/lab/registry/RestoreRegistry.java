package io.labforge.common.lab.registry;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;

/** Undoes {@link EnsureRegistry}: the previous configuration back, and the service as enabled and running as it was. */
@Message(name = "agent.RestoreRegistry")
public record RestoreRegistry(String previousConfig, boolean existed, boolean wasEnabled, boolean wasActive) implements AgentCommand {
}
