/** Kubernetes on its nodes (R24): swap, kernel modules, containerd for the kubelet. */
package io.labforge.agent.executor.kubernetes;
