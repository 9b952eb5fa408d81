package io.labforge.orchestrator.plan;

import io.labforge.orchestrator.plan.disk.DiskPlanner;
import io.labforge.orchestrator.plan.docker.DockerInstallPlanner;
import io.labforge.orchestrator.plan.docker.DockerPlanner;
import io.labforge.orchestrator.plan.firewall.FirewallPlanner;
import io.labforge.orchestrator.plan.gitlab.GitlabPlanner;
import io.labforge.orchestrator.plan.host.HostPlanner;
import io.labforge.orchestrator.plan.kubernetes.ClusterAddonsPlanner;
import io.labforge.orchestrator.plan.kubernetes.KubeadmPlanner;
import io.labforge.orchestrator.plan.kubernetes.KubernetesPlanner;
import io.labforge.orchestrator.plan.kubernetes.KubernetesStatus;
import io.labforge.orchestrator.plan.registry.RegistryPlanner;
import io.labforge.orchestrator.plan.swarm.SwarmPlanner;
import io.labforge.orchestrator.plan.swarm.SwarmStatus;
import io.labforge.orchestrator.plan.sysctl.SysctlPlanner;
import io.labforge.orchestrator.planner.FeatureStatus;
import io.labforge.orchestrator.planner.Planner;
import java.util.List;

/**
 * Every feature's planner, registered once, in the order a host's chain runs: its name, its disks, its
 * firewall (before Docker: starting firewalld flushes Docker's rules), a Kubernetes node's preparation (its
 * modules before the kernel parameters that need them), its kernel parameters, Docker installed, registries
 * trusted, Docker's daemon configured; then the features that span hosts (kubeadm last: its nodes' chains done).
 * A new feature is one line here (Kubernetes is two: node preparation early, the cluster late).
 */
public final class Planners {
    private Planners() {
    }

    public static Planner all() {
        return new Planner(List.of(
                new HostPlanner(),
                new DiskPlanner(),
                new FirewallPlanner(),
                new KubernetesPlanner(),
                new SysctlPlanner(),
                new DockerInstallPlanner(),
                new RegistryPlanner(),
                new DockerPlanner(),
                new GitlabPlanner(),
                new SwarmPlanner(),
                new KubeadmPlanner(),
                new ClusterAddonsPlanner()));
    }

    /** The features whose clusters {@code labforge <feature> status} reads. */
    public static List<FeatureStatus> statuses() {
        return List.of(new SwarmStatus(), new KubernetesStatus());
    }

    /** The feature status of that name; {@link IllegalArgumentException} naming those there are. */
    public static FeatureStatus status(String name) {
        return statuses().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "'" + name + "' has no status to read: " + statuses().stream().map(FeatureStatus::name).toList()));
    }
}
