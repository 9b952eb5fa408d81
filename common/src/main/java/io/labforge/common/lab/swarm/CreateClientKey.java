package io.labforge.common.lab.swarm;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/** Makes (or keeps) cluster-service's client key for a lab; answers with a request. Outputs {@code csr}, {@code created}. */
@Message(name = "cluster.CreateClientKey")
public record CreateClientKey(String lab) implements ClusterCommand {
    public static final Output<CreateClientKey, String> CSR = Output.text("csr");
    public static final Output<CreateClientKey, Boolean> CREATED = Output.flag("created");
}
