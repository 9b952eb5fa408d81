package io.labforge.common.lab.kubernetes;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;

/**
 * Undoes {@link KubeadmInit} or {@link KubeadmJoin}, only if that step made the cluster or joined:
 * {@code kubeadm reset -f}, then what it leaves (its documentation says so): the CNI configuration in
 * {@code /etc/cni/net.d}, the iptables chains of kube-proxy and Calico, and the kubeconfig Labforge gave
 * {@code user}.
 */
@Message(name = "agent.KubeadmReset")
public record KubeadmReset(boolean member, String user) implements AgentCommand {
}
