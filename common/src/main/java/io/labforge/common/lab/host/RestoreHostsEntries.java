package io.labforge.common.lab.host;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/** Undoes {@link EnsureHostsEntries}: puts the previous block back, or removes the block. */
@Message(name = "agent.RestoreHostsEntries")
public record RestoreHostsEntries(String previousBlock) implements AgentCommand {
    /** The block the undo replaced ("" when there was none). */
    public static final Output<RestoreHostsEntries, String> PREVIOUS_BLOCK = Output.text("previousBlock");
}
