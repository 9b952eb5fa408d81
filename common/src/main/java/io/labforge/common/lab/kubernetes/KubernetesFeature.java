package io.labforge.common.lab.kubernetes;

import io.labforge.common.lab.Feature;
import java.util.List;

/**
 * Kubernetes (R24–R30). Planned so far: the nodes' preparation (R24: swap, kernel modules, the sysctls,
 * containerd with the systemd cgroup driver), their firewall openings, the packages and kubeadm (R25,
 * R27); Calico and the cluster's workloads are not planned yet.
 */
public final class KubernetesFeature {
    public static final Feature FEATURE = new Feature("kubernetes", List.of(KubernetesReader.SECTION), List.of(),
            List.of(DisableSwap.class, RestoreSwap.class, LoadKernelModules.class, RestoreKernelModules.class, ConfigureContainerd.class,
                    RestoreContainerd.class, InstallKubernetesPackages.class, RemoveKubernetesPackages.class, KubeadmInit.class,
                    CreateJoinToken.class, KubeadmJoin.class, KubeadmReset.class));

    private KubernetesFeature() {
    }
}
