package io.labforge.common.lab.kubernetes;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * R25: {@code kubeadm init --config} on the control plane, only when the node has no cluster yet
 * ({@code /etc/kubernetes/admin.conf} absent). The configuration ({@code api}: v1beta4 or v1beta3):
 * InitConfiguration (the node's address and name, containerd's socket), ClusterConfiguration
 * ({@code podSubnet} equal to Calico's pool, {@code serviceSubnet}) and KubeletConfiguration
 * ({@code cgroupDriver: systemd}, as containerd's runc; {@code serverTLSBootstrap} when
 * {@code servingCertificates}: kubelets then ask the cluster CA for serving certificates, which
 * metrics-server verifies). root's kubeconfig, and {@code user}'s when
 * given. Outputs the API server's endpoint and the discovery hash of the cluster's CA.
 */
@Message(name = "agent.KubeadmInit")
public record KubeadmInit(String api, String nodeName, String advertiseAddress, String podSubnet, String serviceSubnet, String user,
        boolean servingCertificates)
        implements AgentCommand {
    /** {@code address:6443}. */
    public static final Output<KubeadmInit, String> API_SERVER = Output.text("apiServer");
    /** {@code sha256:<hex>} over the cluster CA's SubjectPublicKeyInfo, as {@code kubeadm join --discovery-token-ca-cert-hash} takes it. */
    public static final Output<KubeadmInit, String> CA_CERT_HASH = Output.text("caCertHash");
    /** True when this step made the cluster (the undo resets the node only then). */
    public static final Output<KubeadmInit, Boolean> CREATED = Output.flag("created");
}
