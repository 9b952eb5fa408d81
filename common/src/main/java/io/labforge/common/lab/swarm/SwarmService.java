package io.labforge.common.lab.swarm;

import java.util.List;
import java.util.Map;

/**
 * R18: a replicated Swarm service, as the lab file gives it and as cluster-service creates it.
 * {@code ports}: {@code published:target[/udp]}; {@code publishMode} {@code ingress} (the routing mesh)
 * or {@code host}; {@code endpointMode} {@code vip} or {@code dnsrr} (for kernels without IPVS);
 * {@code files}: path in the container → content, each given as a Swarm config (Labforge's own
 * services, e.g. Prometheus's configuration).
 */
public record SwarmService(String name, String image, int replicas, List<String> constraints, List<String> ports,
        Map<String, String> labels, List<String> command, String publishMode, String endpointMode, Map<String, String> files) {
    public SwarmService {
        constraints = constraints == null ? List.of() : List.copyOf(constraints);
        ports = ports == null ? List.of() : List.copyOf(ports);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        command = command == null ? List.of() : List.copyOf(command);
        files = files == null ? Map.of() : Map.copyOf(files);
    }
}
