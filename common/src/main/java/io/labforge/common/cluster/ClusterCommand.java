package io.labforge.common.cluster;

import io.labforge.common.messaging.Message;
import java.util.List;
import java.util.Map;

/**
 * Commands of {@code cluster-service} (target {@link #TARGET}): Swarm through the Docker Engine API of
 * a manager, over mutual TLS with a client certificate of the lab's CA.
 */
public sealed interface ClusterCommand {
    String TARGET = "cluster-service";

    /** Makes (or keeps) cluster-service's client key for a lab; answers with a request. Outputs {@code csr}, {@code created}. */
    @Message(name = "cluster.CreateClientKey")
    record CreateClientKey(String lab) implements ClusterCommand {
    }

    /** Keeps the client certificate the orchestrator signed, and the lab's CA, for a lab. */
    @Message(name = "cluster.InstallClientCertificate")
    record InstallClientCertificate(String lab, String certificate, String ca) implements ClusterCommand {
    }

    /**
     * R18: a replicated service on the swarm whose manager's Engine API answers at {@code manager}
     * ({@code host:port}), created or updated to match, then awaited until its tasks run. Outputs
     * {@code created}, {@code serviceId}, {@code running}.
     */
    @Message(name = "cluster.EnsureService")
    record EnsureService(String lab, String manager, Service service) implements ClusterCommand {
    }

    /**
     * A service as the lab file gives it. {@code ports}: {@code published:target[/udp]}; {@code publishMode}
     * {@code ingress} (the routing mesh) or {@code host}; {@code endpointMode} {@code vip} or {@code dnsrr};
     * {@code files}: path in the container → content, each given as a Swarm config.
     */
    record Service(String name, String image, int replicas, List<String> constraints, List<String> ports,
            Map<String, String> labels, List<String> command, String publishMode, String endpointMode, Map<String, String> files) {
    }

    /**
     * R17: a node's availability ({@code active}, {@code pause}, {@code drain}), the node named by its
     * host name. Outputs {@code previous} for the undo (the same command with it).
     */
    @Message(name = "cluster.SetNodeAvailability")
    record SetNodeAvailability(String lab, String manager, String node, String availability) implements ClusterCommand {
    }

    /**
     * R18: {@code labforge swarm scale}: a service's replicas, the rest of its spec kept, awaited until
     * that many tasks run. Outputs {@code previous} (its undo is the same command with it).
     */
    @Message(name = "cluster.ScaleService")
    record ScaleService(String lab, String manager, String name, int replicas) implements ClusterCommand {
    }

    /**
     * Reads the swarm (changes nothing): outputs {@code nodes} (hostname, role, state, availability,
     * leader) and {@code services} (name, image, desired, running) — what {@code labforge swarm status} shows.
     */
    @Message(name = "cluster.DescribeSwarm")
    record DescribeSwarm(String lab, String manager) implements ClusterCommand {
    }

    /** Undoes {@link EnsureService}: removes the service, only if that step created it. */
    @Message(name = "cluster.RemoveService")
    record RemoveService(String lab, String manager, String name, boolean created) implements ClusterCommand {
    }
}
