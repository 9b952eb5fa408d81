package io.labforge.common.lab.kubernetes;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * On the control plane: signs cluster-service's certificate request with the cluster CA
 * ({@code /etc/kubernetes/pki/ca.key}), for the user {@code name} in the group {@code group} (Kubernetes
 * reads them from the subject's CN and O), as {@code kubeadm kubeconfig user} does, but for a key that
 * never leaves cluster-service. Outputs the certificate, the cluster CA and the API server's URL
 * (admin.conf's {@code server}): nothing secret.
 */
@Message(name = "agent.SignKubernetesClient")
public record SignKubernetesClient(String csr, String name, String group, int validityDays) implements AgentCommand {
    public static final Output<SignKubernetesClient, String> CERTIFICATE = Output.text("certificate");
    public static final Output<SignKubernetesClient, String> CA = Output.text("ca");
    public static final Output<SignKubernetesClient, String> SERVER = Output.text("server");
}
