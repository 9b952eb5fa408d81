package io.labforge.common.lab.kubernetes;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import java.util.List;

/** Undoes {@link DisableSwap}: Labforge's commented fstab entries back, its masked units unmasked, swap on again. */
@Message(name = "agent.RestoreSwap")
public record RestoreSwap(List<String> masked, boolean commented) implements AgentCommand {
    public RestoreSwap {
        masked = masked == null ? List.of() : List.copyOf(masked);
    }
}
