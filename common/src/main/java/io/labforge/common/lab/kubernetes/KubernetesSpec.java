package io.labforge.common.lab.kubernetes;

import io.labforge.common.lab.Lab;
import java.util.ArrayList;
import java.util.List;

/** Part 3 of the reference lab (R24–R30): the cluster's control plane and workers, and the pod network (Calico's pool). */
public record KubernetesSpec(String controlPlane, List<String> workers, String podNetworkCidr) {
    public static final String DEFAULT_POD_CIDR = "192.168.0.0/16";

    /** The lab's cluster, or null. */
    public static KubernetesSpec of(Lab lab) {
        return lab.section(KubernetesReader.SECTION);
    }

    public List<String> nodes() {
        List<String> all = new ArrayList<>();
        all.add(controlPlane);
        all.addAll(workers);
        return all;
    }
}
