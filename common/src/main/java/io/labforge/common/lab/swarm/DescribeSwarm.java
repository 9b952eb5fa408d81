package io.labforge.common.lab.swarm;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * Reads the swarm (changes nothing): outputs {@code nodes} (hostname, role, state, availability,
 * leader) and {@code services} (name, image, desired, running) — what {@code labforge swarm status} shows.
 */
@Message(name = "cluster.DescribeSwarm")
public record DescribeSwarm(String lab, String manager) implements ClusterCommand {
    public static final Output<DescribeSwarm, Object> NODES = Output.json("nodes");
    public static final Output<DescribeSwarm, Object> SERVICES = Output.json("services");
}
