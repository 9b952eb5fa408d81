package io.labforge.common.lab.kubernetes;

import io.labforge.common.lab.LabReading;
import io.labforge.common.lab.LabSection;
import io.labforge.common.lab.YamlWalker;
import io.labforge.common.lab.swarm.SwarmSpec;
import io.labforge.common.net.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/** The {@code kubernetes:} section: read after {@code swarm:}, whose overlay must not collide with Calico's. */
final class KubernetesReader implements LabSection<KubernetesSpec> {
    static final KubernetesReader SECTION = new KubernetesReader();

    @Override
    public String key() {
        return "kubernetes";
    }

    @Override
    public Class<KubernetesSpec> type() {
        return KubernetesSpec.class;
    }

    @Override
    public KubernetesSpec read(Node node, LabReading in) {
        YamlWalker w = in.yaml();
        Map<String, Node> k = w.mapping(node, "kubernetes", Set.of("controlPlane", "workers", "podNetworkCidr"), Set.of("controlPlane"));
        String cp = in.hostRef(k.get("controlPlane"), "kubernetes.controlPlane");
        List<String> workers = in.hostRefs(k.get("workers"), "kubernetes.workers");
        String cidr = in.text(k.get("podNetworkCidr"), "kubernetes.podNetworkCidr", IpAddress::isCidr, "a CIDR", "write e.g. 192.168.0.0/16 (R25)");
        KubernetesSpec spec = new KubernetesSpec(cp, workers, cidr == null ? KubernetesSpec.DEFAULT_POD_CIDR : cidr);
        SwarmSpec swarm = SwarmSpec.of(in);
        if (swarm != null && swarm.dataPathPort() == SwarmSpec.DEFAULT_DATA_PATH_PORT) {
            List<String> both = new ArrayList<>(swarm.nodes());
            both.retainAll(spec.nodes());
            if (!both.isEmpty()) {
                w.error("swarm.dataPathPort", "hosts " + both + " are in the swarm and the Kubernetes cluster, and both "
                        + "Swarm's overlay and Calico's VXLAN use UDP 4789 (R26)",
                        "set swarm.dataPathPort to another port, e.g. 4790, or keep the clusters on separate hosts");
            }
        }
        return spec;
    }
}
