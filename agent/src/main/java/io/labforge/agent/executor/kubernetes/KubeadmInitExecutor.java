package io.labforge.agent.executor.kubernetes;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.KubeadmInit;
import io.labforge.common.messaging.Json;
import java.util.List;

/**
 * R25: {@code kubeadm init} with Labforge's configuration when the node has no cluster; the kubeconfigs;
 * then the API server's endpoint and the discovery hash of the cluster CA, computed here from its
 * certificate (not read from kubeadm's output).
 */
public final class KubeadmInitExecutor extends DiffingExecutor<KubeadmInit> {
    @Override
    public Class<KubeadmInit> commandType() {
        return KubeadmInit.class;
    }

    @Override
    protected Outcome run(KubeadmInit c, StepContext ctx, boolean apply) {
        String config = KubeadmConfig.init(c);
        String endpoint = c.advertiseAddress() + ":" + KubeadmConfig.API_PORT;
        boolean exists = Kubeadm.has(ctx, Kubeadm.ADMIN_CONF);
        if (exists || !apply) {
            var out = Json.object().put(KubeadmInit.API_SERVER.name(), endpoint).put(KubeadmInit.CREATED.name(), false);
            Files2.read(ctx.root().path(Kubeadm.CA)).ifPresent(ca -> out.put(KubeadmInit.CA_CERT_HASH.name(), JoinTokens.caCertHash(ca)));
            return Outcome.of(!exists, exists ? "this node runs a cluster's control plane already (" + Kubeadm.ADMIN_CONF + ")"
                    : "+ kubeadm init --config " + KubeadmConfig.DIR + "/init.yaml (pods " + c.podSubnet() + ", services " + c.serviceSubnet()
                            + ", cgroupDriver systemd)", out);
        }
        Kubeadm.runWithConfig(ctx, "init", "init.yaml", config, List.of());
        Kubeadm.giveKubeconfigs(ctx, c.user());
        String ca = Files2.read(ctx.root().path(Kubeadm.CA)).orElseThrow(
                () -> new ExecutorException("kubeadm init left no cluster CA at " + Kubeadm.CA, false));
        return Outcome.of(true, "+ kubeadm init: control plane at " + endpoint + "; kubeconfig for " + Kubeadm.kubeconfigs(ctx, c.user()),
                Json.object().put(KubeadmInit.API_SERVER.name(), endpoint).put(KubeadmInit.CA_CERT_HASH.name(), JoinTokens.caCertHash(ca))
                        .put(KubeadmInit.CREATED.name(), true));
    }
}
