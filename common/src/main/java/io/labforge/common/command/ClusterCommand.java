package io.labforge.common.command;

/**
 * A command of {@code cluster-service} (message type {@code cluster.*}): Swarm through the Docker Engine
 * API of a manager, over mutual TLS with a client certificate of the lab's CA.
 */
public interface ClusterCommand {
    String TARGET = "cluster-service";
}
