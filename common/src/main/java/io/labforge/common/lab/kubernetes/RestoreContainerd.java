package io.labforge.common.lab.kubernetes;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;

/** Undoes {@link ConfigureContainerd}: the config as it was, containerd restarted if the step had changed it. */
@Message(name = "agent.RestoreContainerd")
public record RestoreContainerd(String previousConfig, boolean changed) implements AgentCommand {
}
