package io.labforge.common.lab.swarm;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.messaging.Message;

/** Keeps the client certificate the orchestrator signed, and the lab's CA, for a lab. */
@Message(name = "cluster.InstallClientCertificate")
public record InstallClientCertificate(String lab, String certificate, String ca) implements ClusterCommand {
}
