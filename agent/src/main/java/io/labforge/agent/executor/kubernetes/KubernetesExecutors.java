package io.labforge.agent.executor.kubernetes;

import io.labforge.common.exec.Executor;
import java.util.List;

/** Kubernetes on its nodes (R24, R25, R27; R28's token): the agent's executors of this feature. */
public final class KubernetesExecutors {
    private KubernetesExecutors() {
    }

    public static List<Executor<?>> all() {
        return List.of(
                new DisableSwapExecutor(),
                new RestoreSwapExecutor(),
                new LoadKernelModulesExecutor(),
                new RestoreKernelModulesExecutor(),
                new ConfigureContainerdExecutor(),
                new RestoreContainerdExecutor(),
                new InstallKubernetesPackagesExecutor(),
                new RemoveKubernetesPackagesExecutor(),
                new KubeadmInitExecutor(),
                new CreateJoinTokenExecutor(),
                new KubeadmJoinExecutor(),
                new KubeadmResetExecutor(),
                new SignKubernetesClientExecutor(),
                new WriteServiceAccountTokenExecutor());
    }
}
