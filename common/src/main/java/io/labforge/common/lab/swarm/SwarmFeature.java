package io.labforge.common.lab.swarm;

import io.labforge.common.lab.Feature;
import java.util.List;

/**
 * Docker Swarm (R17–R23): init and joins by the agents, stacks built and deployed on the nodes, services,
 * availability, scale and Prometheus through cluster-service and a manager's Engine API.
 */
public final class SwarmFeature {
    public static final Feature FEATURE = new Feature("swarm", List.of(SwarmReader.SECTION), List.of(),
            List.of(SwarmInit.class, SwarmJoin.class, SwarmLeave.class, BuildStack.class, DeployStack.class, RemoveStack.class,
                    CreateClientKey.class, InstallClientCertificate.class, EnsureService.class, RemoveService.class,
                    SetNodeAvailability.class, ScaleService.class, DescribeSwarm.class));

    private SwarmFeature() {
    }
}
