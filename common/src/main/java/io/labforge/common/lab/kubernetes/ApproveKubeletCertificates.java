package io.labforge.common.lab.kubernetes;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;
import java.util.List;

/**
 * R30: kubelets with {@code serverTLSBootstrap} ask the cluster for serving certificates, which nobody
 * approves by default (kubeadm's "Kubelet serving certificates"); metrics-server then verifies the
 * kubelets against the cluster CA. Approves, up to {@code awaitSeconds} for them to come, one pending
 * request of signer {@code kubernetes.io/kubelet-serving} from each node ({@code system:node:<node>}),
 * and only those. Outputs {@code approved}, how many.
 */
@Message(name = "cluster.ApproveKubeletCertificates")
public record ApproveKubeletCertificates(String lab, List<String> nodes, int awaitSeconds) implements ClusterCommand {
    public static final Output<ApproveKubeletCertificates, Long> APPROVED = Output.number("approved");

    public ApproveKubeletCertificates {
        nodes = List.copyOf(nodes);
    }
}
