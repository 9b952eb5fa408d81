package io.labforge.common.lab.sysctl;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;
import java.util.Map;

/**
 * Kernel parameters set now and at every boot: written to {@code /etc/sysctl.d/90-labforge.conf}
 * (Labforge's own file; other files are left alone) and applied to the running kernel. Reports what the
 * file held and each parameter's value before, for the undo.
 */
@Message(name = "agent.SetSysctls")
public record SetSysctls(Map<String, String> values) implements AgentCommand {
    /** What Labforge's sysctl file held ("" when there was none). */
    public static final Output<SetSysctls, String> PREVIOUS_FILE = Output.text("previousFile");
    /** Each parameter's running value before the step. */
    public static final Output<SetSysctls, Map<String, String>> PREVIOUS = Output.map("previous");

    public SetSysctls {
        values = values == null ? Map.of() : Map.copyOf(values);
    }
}
