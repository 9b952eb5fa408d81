package io.labforge.common.lab.swarm;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * R18: a replicated service on the swarm whose manager's Engine API answers at {@code manager}
 * ({@code host:port}), created or updated to match, then awaited until its tasks run. Outputs
 * {@code created}, {@code serviceId}, {@code running}.
 */
@Message(name = "cluster.EnsureService")
public record EnsureService(String lab, String manager, SwarmService service) implements ClusterCommand {
    public static final Output<EnsureService, Boolean> CREATED = Output.flag("created");
    public static final Output<EnsureService, String> SERVICE_ID = Output.text("serviceId");
    public static final Output<EnsureService, Long> RUNNING = Output.number("running");
}
