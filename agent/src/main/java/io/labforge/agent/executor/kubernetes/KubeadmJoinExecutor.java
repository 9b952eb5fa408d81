package io.labforge.agent.executor.kubernetes;

import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.KubeadmJoin;
import io.labforge.common.messaging.Json;
import java.util.List;

/** R27: {@code kubeadm join} when the node has not joined; the token goes in a root-only file, removed after, never on a command line. */
public final class KubeadmJoinExecutor extends DiffingExecutor<KubeadmJoin> {
    @Override
    public Class<KubeadmJoin> commandType() {
        return KubeadmJoin.class;
    }

    @Override
    protected Outcome run(KubeadmJoin c, StepContext ctx, boolean apply) {
        if (Kubeadm.has(ctx, Kubeadm.KUBELET_CONF)) {
            return Outcome.of(false, "this node has joined a cluster already (" + Kubeadm.KUBELET_CONF + ")",
                    Json.object().put(KubeadmJoin.JOINED.name(), false));
        }
        String config = KubeadmConfig.join(c);
        if (apply) {
            Kubeadm.runWithConfig(ctx, "join", "join.yaml", config, List.of(c.token()));
        }
        return Outcome.of(true, "+ kubeadm join " + c.apiServer() + " (CA " + c.caCertHash().substring(0, 19) + "…)",
                Json.object().put(KubeadmJoin.JOINED.name(), apply));
    }
}
