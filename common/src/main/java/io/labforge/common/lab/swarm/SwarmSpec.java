package io.labforge.common.lab.swarm;

import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabReading;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Docker Swarm (R17–R23). {@code registry}: Labforge's own registry for the swarm (R19), or null;
 * {@code services}: R18; {@code availability}: per node (host name) {@code active}, {@code pause} or
 * {@code drain}; {@code stacks}: R20; {@code prometheus}: R23, or null; {@code defaultAddrPool}: the
 * pools overlay networks take their subnets from (empty: Docker's default, 10.0.0.0/8); {@code portainer}:
 * R22, or null.
 */
public record SwarmSpec(List<String> managers, List<String> workers, int dataPathPort, Registry registry, List<SwarmService> services,
        Map<String, String> availability, List<Stack> stacks, Prometheus prometheus, List<String> defaultAddrPool, Portainer portainer) {
    public static final int DEFAULT_DATA_PATH_PORT = 4789;

    /** The lab's swarm, or null. */
    public static SwarmSpec of(Lab lab) {
        return lab.section(SwarmReader.SECTION);
    }

    /** The swarm read so far, while a later section is read (null when the lab has none). */
    public static SwarmSpec of(LabReading in) {
        return in.section(SwarmReader.SECTION);
    }

    /** Managers first, then workers: every node of the swarm. */
    public List<String> nodes() {
        List<String> all = new ArrayList<>(managers);
        all.addAll(workers);
        return all;
    }

    /** The manager that inits the swarm, and through whose Engine API cluster-service works. */
    public String firstManager() {
        return managers.get(0);
    }

    /** R19: a registry on {@code host}, TLS from the lab's CA, trusted by every swarm node. */
    public record Registry(String host, int port) {
    }

    /**
     * R20: a compose file deployed as a stack. {@code source} is a directory next to the lab file (its
     * {@code files}, keyed by their path in it, travel with the lab: {@code labforge apply} sends them);
     * {@code compose} the file in it; the images with a {@code build:} section are built on {@code buildOn}
     * and pushed; {@code env} the variables the compose file is read with (Labforge adds {@code REGISTRY},
     * the lab's registry, unless given).
     */
    public record Stack(String name, String source, String compose, String buildOn, Map<String, String> env, Map<String, String> files) {
        private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

        /** A stack's name: up to 32 lowercase letters, digits, '_' or '-' (also a directory on the hosts). */
        public static boolean isName(String s) {
            return s != null && NAME.matcher(s).matches();
        }
    }

    /**
     * R22: Portainer as Portainer's documentation deploys it on a swarm (its agent stack): the agent on
     * every node ({@code global}) with the Docker socket and the volumes directory ({@code volumes}, under
     * the nodes' Docker data root) mounted, on an overlay network; the server on a manager, pointed at
     * {@code tasks.agent:9001}, publishing 9443 (HTTPS), 9000 and 8000 in {@code publishMode};
     * {@code endpointMode} of both services ({@code vip}, or {@code dnsrr} where the kernel has no IPVS).
     */
    public record Portainer(String serverImage, String agentImage, String volumes, String publishMode, String endpointMode) {
        public static final String SERVER_IMAGE = "portainer/portainer-ce:lts";
        public static final String AGENT_IMAGE = "portainer/agent:lts";
        public static final String STACK = "portainer";
    }

    /**
     * R23: Prometheus as a Swarm service on {@code node}, publishing {@code port}, scraping every swarm
     * node's Docker metrics ({@code docker.metrics-addr}, R15); the target list is generated from the lab.
     * {@code publishMode} as a service's ({@code ingress} by default).
     */
    public record Prometheus(String image, String node, int port, String publishMode) {
        public static final String DEFAULT_IMAGE = "prom/prometheus:v2.53.0";
    }
}
