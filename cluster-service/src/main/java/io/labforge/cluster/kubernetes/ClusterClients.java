package io.labforge.cluster.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.labforge.common.exec.ExecutorException;
import java.util.Optional;

/** A client of a lab's Kubernetes API, as cluster-service was given access to it. */
@FunctionalInterface
public interface ClusterClients {
    /** The lab's client; an {@link ExecutorException} when cluster-service has no access to that cluster (yet). */
    KubernetesClient client(String lab);

    /**
     * The lab's client, or empty while cluster-service has no access to the cluster: a plan's check before the
     * apply that makes the cluster and hands over its credentials, which then says what the step would do.
     */
    default Optional<KubernetesClient> ifReachable(String lab) {
        try {
            return Optional.of(client(lab));
        } catch (ExecutorException e) {
            return Optional.empty();
        }
    }
}
