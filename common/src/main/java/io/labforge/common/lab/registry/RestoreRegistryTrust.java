package io.labforge.common.lab.registry;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;
import java.util.List;

/** Undoes {@link TrustRegistries}: puts back what was there, or removes what the step added. */
@Message(name = "agent.RestoreRegistryTrust")
public record RestoreRegistryTrust(List<RegistryCa> previous) implements AgentCommand {
    /** Per registry, what the undo replaced ("" when none). */
    public static final Output<RestoreRegistryTrust, List<RegistryCa>> PREVIOUS = Output.list("previous");
}
