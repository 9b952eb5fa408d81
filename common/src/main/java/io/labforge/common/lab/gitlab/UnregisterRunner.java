package io.labforge.common.lab.gitlab;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;

/** Undoes {@link RegisterRunner}: {@code gitlab-runner unregister --name}, when that step registered it. */
@Message(name = "agent.UnregisterRunner")
public record UnregisterRunner(String name, boolean registered) implements AgentCommand {
}
