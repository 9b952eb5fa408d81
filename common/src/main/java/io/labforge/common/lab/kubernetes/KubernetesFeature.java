package io.labforge.common.lab.kubernetes;

import io.labforge.common.lab.Feature;
import java.util.List;

/**
 * Kubernetes (R24–R30): the nodes' preparation (R24: swap, kernel modules, the sysctls, containerd with
 * the systemd cgroup driver), their firewall openings, the packages and kubeadm (R25, R27) on the agents;
 * Calico, Headlamp, metrics-server and a test app (R26, R28–R30) through cluster-service.
 */
public final class KubernetesFeature {
    public static final Feature FEATURE = new Feature("kubernetes", List.of(KubernetesReader.SECTION), List.of(),
            List.of(DisableSwap.class, RestoreSwap.class, LoadKernelModules.class, RestoreKernelModules.class, ConfigureContainerd.class,
                    RestoreContainerd.class, InstallKubernetesPackages.class, RemoveKubernetesPackages.class, KubeadmInit.class,
                    CreateJoinToken.class, KubeadmJoin.class, KubeadmReset.class, SignKubernetesClient.class,
                    InstallKubernetesCredentials.class, ApplyManifest.class, DeleteObjects.class, ApproveKubeletCertificates.class,
                    WriteServiceAccountToken.class, DescribeKubernetes.class));

    private KubernetesFeature() {
    }
}
