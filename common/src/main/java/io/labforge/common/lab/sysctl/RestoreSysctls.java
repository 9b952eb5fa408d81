package io.labforge.common.lab.sysctl;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import java.util.Map;

/** Undoes {@link SetSysctls}: its file as it was (removed when there was none) and the running values back. */
@Message(name = "agent.RestoreSysctls")
public record RestoreSysctls(String previousFile, Map<String, String> previous) implements AgentCommand {
    public RestoreSysctls {
        previous = previous == null ? Map.of() : Map.copyOf(previous);
    }
}
