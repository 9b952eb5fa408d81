package io.labforge.common.lab.kubernetes;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;

/** Undoes {@link LoadKernelModules}: its file as it was (removed when there was none); modules in use stay loaded. */
@Message(name = "agent.RestoreKernelModules")
public record RestoreKernelModules(String previousFile) implements AgentCommand {
}
