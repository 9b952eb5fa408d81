package io.labforge.common.lab.kubernetes;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * R27: {@code kubeadm join --config} to the cluster at {@code apiServer}, only when the node has not
 * joined ({@code /etc/kubernetes/kubelet.conf} absent). The JoinConfiguration carries the {@code token}
 * (a secret: in a file only root reads, removed after) and the CA's {@code caCertHash}.
 */
@Message(name = "agent.KubeadmJoin")
public record KubeadmJoin(String api, String nodeName, String apiServer, String token, String caCertHash) implements AgentCommand {
    /** True when this step joined the node. */
    public static final Output<KubeadmJoin, Boolean> JOINED = Output.flag("joined");
}
