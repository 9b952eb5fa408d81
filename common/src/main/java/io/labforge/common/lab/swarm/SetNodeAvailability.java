package io.labforge.common.lab.swarm;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * R17: a node's availability ({@code active}, {@code pause}, {@code drain}), the node named by its
 * host name. Outputs {@code previous} for the undo (the same command with it).
 */
@Message(name = "cluster.SetNodeAvailability")
public record SetNodeAvailability(String lab, String manager, String node, String availability) implements ClusterCommand {
    public static final Output<SetNodeAvailability, String> PREVIOUS = Output.text("previous");
}
