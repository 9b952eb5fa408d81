package io.labforge.common.lab.host;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;

/** Undoes {@link EnsureHostsEntries}: puts the previous block back, or removes the block. */
@Message(name = "agent.RestoreHostsEntries")
public record RestoreHostsEntries(String previousBlock) implements AgentCommand {
}
