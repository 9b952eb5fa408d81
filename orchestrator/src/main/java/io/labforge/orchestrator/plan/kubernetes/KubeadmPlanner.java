package io.labforge.orchestrator.plan.kubernetes;

import io.labforge.common.lab.Lab;
import io.labforge.common.lab.kubernetes.CreateJoinToken;
import io.labforge.common.lab.kubernetes.InstallKubernetesPackages;
import io.labforge.common.lab.kubernetes.KubeadmInit;
import io.labforge.common.lab.kubernetes.KubeadmJoin;
import io.labforge.common.lab.kubernetes.KubeadmReset;
import io.labforge.common.lab.kubernetes.KubernetesSpec;
import io.labforge.common.lab.kubernetes.RemoveKubernetesPackages;
import io.labforge.orchestrator.plan.host.HostPlanner;
import io.labforge.orchestrator.planner.FeaturePlanner;
import io.labforge.orchestrator.planner.PlanBuilder;
import io.labforge.orchestrator.planner.StepRef;
import java.time.Duration;
import java.util.List;

/**
 * R25, R27: the cluster, once each node is prepared ({@link KubernetesPlanner}) and its chain done
 * (Docker, which shares containerd, included): the packages on every node; {@code kubeadm init} on the
 * control plane; for each worker a token made fresh on the control plane (a secret output: it reaches
 * the worker sealed to that worker's key) and its {@code kubeadm join} with the CA hash the init step
 * computed. Each undone by {@code kubeadm reset}, only where the step made the node a member. A lab's
 * {@code scope} may stop after the nodes or the packages.
 */
public final class KubeadmPlanner implements FeaturePlanner {
    static final int TOKEN_TTL_MINUTES = 30;

    @Override
    public void plan(PlanBuilder plan) {
        KubernetesSpec k = KubernetesSpec.of(plan.lab());
        if (k == null || !k.scope().includes(KubernetesSpec.Scope.PACKAGES)) {
            return;
        }
        for (String node : k.nodes()) {
            plan.step(PlanBuilder.id("k8s-packages", node), node,
                            new InstallKubernetesPackages(k.version(), k.packageRepository()))
                    .inChain()
                    .timeout(Duration.ofMinutes(20))
                    .undo(self -> new RemoveKubernetesPackages(List.of(), self.text(InstallKubernetesPackages.PREVIOUS_LIST)))
                    .undoFrom("installed", InstallKubernetesPackages.INSTALLED)
                    .add();
        }
        if (!k.scope().includes(KubernetesSpec.Scope.CLUSTER)) {
            return;
        }
        Lab.Host cp = plan.lab().requireHost(k.controlPlane());
        StepRef<KubeadmInit> init = plan.step(PlanBuilder.id("kubeadm-init", cp.name()), cp.name(),
                        new KubeadmInit(k.kubeadmApi(), cp.name(), cp.address(), k.podNetworkCidr(), k.serviceCidr(), k.user(),
                                k.addons().metricsServer() != null))
                .inChain()
                .after(HostPlanner.hostsFile(cp.name()))
                .timeout(Duration.ofMinutes(15))
                .undo(self -> new KubeadmReset(false, k.user()))
                .undoFrom("member", KubeadmInit.CREATED)
                .add();
        for (String worker : k.workers()) {
            StepRef<CreateJoinToken> token = plan.step(PlanBuilder.id("join-token", worker, cp.name()), cp.name(),
                            new CreateJoinToken(worker, TOKEN_TTL_MINUTES))
                    .after(init)
                    .add();
            plan.step(PlanBuilder.id("kubeadm-join", worker), worker,
                            new KubeadmJoin(k.kubeadmApi(), worker, init.text(KubeadmInit.API_SERVER), token.text(CreateJoinToken.TOKEN),
                                    init.text(KubeadmInit.CA_CERT_HASH)))
                    .inChain()
                    .after(token.id(), HostPlanner.hostsFile(worker))
                    .timeout(Duration.ofMinutes(15))
                    .undo(self -> new KubeadmReset(false, null))
                    .undoFrom("member", KubeadmJoin.JOINED)
                    .add();
        }
    }
}
