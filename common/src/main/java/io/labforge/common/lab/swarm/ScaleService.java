package io.labforge.common.lab.swarm;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * R18: {@code labforge swarm scale}: a service's replicas, the rest of its spec kept, awaited until
 * that many tasks run. Outputs {@code previous} (its undo is the same command with it).
 */
@Message(name = "cluster.ScaleService")
public record ScaleService(String lab, String manager, String name, int replicas) implements ClusterCommand {
    public static final Output<ScaleService, Long> RUNNING = Output.number("running");
    public static final Output<ScaleService, Long> PREVIOUS = Output.number("previous");
}
