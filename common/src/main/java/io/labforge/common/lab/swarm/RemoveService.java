package io.labforge.common.lab.swarm;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.messaging.Message;

/** Undoes {@link EnsureService}: removes the service, only if that step created it. */
@Message(name = "cluster.RemoveService")
public record RemoveService(String lab, String manager, String name, boolean created) implements ClusterCommand {
}
