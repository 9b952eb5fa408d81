package io.labforge.common.lab.kubernetes;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import java.util.List;

/** Undoes {@link InstallKubernetesPackages}: the packages it installed unheld and purged, the repository's list as it was. */
@Message(name = "agent.RemoveKubernetesPackages")
public record RemoveKubernetesPackages(List<String> installed, String previousList) implements AgentCommand {
    public RemoveKubernetesPackages {
        installed = installed == null ? List.of() : List.copyOf(installed);
    }
}
