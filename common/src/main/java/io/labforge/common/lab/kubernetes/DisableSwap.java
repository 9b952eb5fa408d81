package io.labforge.common.lab.kubernetes;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;
import java.util.List;

/**
 * R24: swap off now ({@code swapoff -a}) and after a reboot: the swap entries of {@code /etc/fstab}
 * commented out (marked as Labforge's) and the host's swap units masked, so that neither fstab's generator
 * nor a unit brings it back. Reports the units it masked, for the undo.
 */
@Message(name = "agent.DisableSwap")
public record DisableSwap() implements AgentCommand {
    /** The swap units this step masked (not those masked before). */
    public static final Output<DisableSwap, List<String>> MASKED = Output.list("masked");
    /** Whether this step commented out fstab entries. */
    public static final Output<DisableSwap, Boolean> COMMENTED = Output.flag("commented");
}
