package io.labforge.agent.executor.kubernetes;

import io.labforge.common.exec.Executor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.CreateJoinToken;
import io.labforge.common.messaging.Json;
import java.time.Duration;
import java.util.List;

/**
 * R27: a bootstrap token for one node's join, made here ({@link JoinTokens#fresh}) and registered with
 * {@code kubeadm token create <token> --ttl}; none when the cluster knows that node already
 * ({@code kubectl get node}), so a lab applied again changes nothing.
 */
public final class CreateJoinTokenExecutor implements Executor<CreateJoinToken> {
    @Override
    public Class<CreateJoinToken> commandType() {
        return CreateJoinToken.class;
    }

    @Override
    public Outcome check(CreateJoinToken c, StepContext ctx) {
        if (member(c, ctx)) {
            return Outcome.of(false, c.forNode() + " is a node of the cluster already", Json.object().put(CreateJoinToken.TOKEN.name(), ""));
        }
        return Outcome.of(true, "+ a join token for " + c.forNode() + " (valid " + c.ttlMinutes() + " min)", Json.object());
    }

    @Override
    public Outcome apply(CreateJoinToken c, StepContext ctx) {
        if (member(c, ctx)) {
            return check(c, ctx);
        }
        String token = JoinTokens.fresh();
        if (ctx.root().isReal()) {
            Kubeadm.requireKubeadm();
            new ProcessRunner(List.of(token)).require(List.of("kubeadm", "token", "create", token, "--ttl", c.ttlMinutes() + "m",
                    "--description", "Labforge: the join of " + c.forNode(), "--kubeconfig", Kubeadm.ADMIN_CONF), Duration.ofMinutes(2), ctx.progress());
        }
        return Outcome.of(true, "+ a join token for " + c.forNode() + " (valid " + c.ttlMinutes() + " min; id " + token.substring(0, 6) + ")",
                Json.object().put(CreateJoinToken.TOKEN.name(), token));
    }

    private static boolean member(CreateJoinToken c, StepContext ctx) {
        if (!ctx.root().isReal() || !ProcessRunner.onPath("kubectl")) {
            return false;
        }
        return ctx.processes().run(List.of("kubectl", "--kubeconfig", Kubeadm.ADMIN_CONF, "get", "node", c.forNode(), "-o", "name"),
                Duration.ofSeconds(30), l -> { }).ok();
    }
}
