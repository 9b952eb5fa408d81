package io.labforge.common.lab.host;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;
import java.util.List;

/**
 * R1. A block of {@code /etc/hosts} that Labforge owns, between marker lines; lines outside it
 * are never touched. Outputs: {@code previousBlock} (empty when there was none).
 */
@Message(name = "agent.EnsureHostsEntries")
public record EnsureHostsEntries(List<HostsEntry> entries) implements AgentCommand {
    /** The block Labforge owned before ("" when there was none). */
    public static final Output<EnsureHostsEntries, String> PREVIOUS_BLOCK = Output.text("previousBlock");
}
