package io.labforge.common.lab.kubernetes;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.messaging.Message;

/** Keeps, for a lab, the cluster's API server URL, its CA and the client certificate the control plane signed for cluster-service's key. */
@Message(name = "cluster.InstallKubernetesCredentials")
public record InstallKubernetesCredentials(String lab, String server, String certificate, String ca) implements ClusterCommand {
}
