package io.labforge.orchestrator.plan.kubernetes;

import io.labforge.common.lab.Lab;
import io.labforge.common.lab.firewall.FirewallSpec;
import io.labforge.common.lab.kubernetes.ConfigureContainerd;
import io.labforge.common.lab.kubernetes.DisableSwap;
import io.labforge.common.lab.kubernetes.KubernetesSpec;
import io.labforge.common.lab.kubernetes.LoadKernelModules;
import io.labforge.common.lab.kubernetes.RestoreContainerd;
import io.labforge.common.lab.kubernetes.RestoreKernelModules;
import io.labforge.common.lab.kubernetes.RestoreSwap;
import io.labforge.common.net.PortRange;
import io.labforge.orchestrator.planner.FeaturePlanner;
import io.labforge.orchestrator.planner.PlanBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes (R24–R30). Each node is prepared in its chain before its kernel parameters (R24):
 * swap off, the modules loaded (the bridge sysctls exist only once br_netfilter is), containerd
 * configured for the kubelet; the sysctls Kubernetes needs join the lab's ({@link #sysctls}); its
 * firewall opens what its role needs ({@link #openings}). The packages and kubeadm come later, in
 * {@link KubeadmPlanner}; Calico and the workloads are not planned yet.
 */
public final class KubernetesPlanner implements FeaturePlanner {
    /** The pause image of the kubeadm releases Labforge pins by default (kubeadm config images list). */
    static final String SANDBOX_IMAGE = "registry.k8s.io/pause:3.10";

    /**
     * Kubernetes' ports (kubernetes.io, "Ports and Protocols"): the API server, etcd, the controller manager
     * and the scheduler on the control plane; the kubelet and NodePort services on every node; Calico's
     * BGP, VXLAN and Typha ("Network requirements").
     */
    @Override
    public FirewallSpec openings(Lab lab, Lab.Host host) {
        KubernetesSpec k = KubernetesSpec.of(lab);
        if (k == null || !k.isNode(host.name())) {
            return FirewallSpec.EMPTY;
        }
        List<PortRange> ports = new ArrayList<>();
        if (k.controlPlane().equals(host.name())) {
            ports.addAll(List.of(tcp(6443, 6443), tcp(2379, 2380), tcp(10257, 10257), tcp(10259, 10259)));
        }
        ports.addAll(List.of(tcp(10250, 10250), tcp(30000, 32767), tcp(179, 179), new PortRange(k.vxlanPort(), k.vxlanPort(), "udp"),
                tcp(5473, 5473)));
        return FirewallSpec.ports(ports.toArray(PortRange[]::new));
    }

    @Override
    public Map<String, String> sysctls(Lab lab, Lab.Host host) {
        KubernetesSpec k = KubernetesSpec.of(lab);
        return k != null && k.isNode(host.name()) ? KubernetesSpec.SYSCTLS : Map.of();
    }

    @Override
    public void plan(PlanBuilder plan) {
        KubernetesSpec k = KubernetesSpec.of(plan.lab());
        if (k == null) {
            return;
        }
        for (String node : k.nodes()) {
            plan.step(PlanBuilder.id("swap-off", node), node, new DisableSwap())
                    .inChain()
                    .undo(self -> new RestoreSwap(List.of(), false))
                    .undoFrom("masked", DisableSwap.MASKED)
                    .undoFrom("commented", DisableSwap.COMMENTED)
                    .add();
            plan.step(PlanBuilder.id("kernel-modules", node), node, new LoadKernelModules(KubernetesSpec.MODULES))
                    .inChain()
                    .undo(self -> new RestoreKernelModules(self.text(LoadKernelModules.PREVIOUS_FILE)))
                    .add();
            plan.step(PlanBuilder.id("containerd", node), node,
                            new ConfigureContainerd(ConfigureContainerd.CNI_BIN_DIR, ConfigureContainerd.CNI_CONF_DIR, SANDBOX_IMAGE))
                    .inChain()
                    .timeout(Duration.ofMinutes(15))
                    .undo(self -> new RestoreContainerd(self.text(ConfigureContainerd.PREVIOUS_CONFIG), false))
                    .undoFrom("changed", ConfigureContainerd.CHANGED)
                    .add();
        }
    }

    private static PortRange tcp(int from, int to) {
        return new PortRange(from, to, "tcp");
    }
}
