package io.labforge.common.lab.kubernetes;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * Reads the lab's cluster (changes nothing): outputs {@code nodes} (name, ready, kubelet version) and
 * {@code workloads} (namespace, kind, name, ready, desired: every Deployment, DaemonSet and StatefulSet)
 * — what {@code labforge kubernetes status} shows.
 */
@Message(name = "cluster.DescribeKubernetes")
public record DescribeKubernetes(String lab) implements ClusterCommand {
    public static final Output<DescribeKubernetes, Object> NODES = Output.json("nodes");
    public static final Output<DescribeKubernetes, Object> WORKLOADS = Output.json("workloads");
}
