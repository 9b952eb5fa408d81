package io.labforge.cluster.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;

/** A client of a lab's Kubernetes API, as cluster-service was given access to it. */
@FunctionalInterface
public interface ClusterClients {
    KubernetesClient client(String lab);
}
