package io.labforge.agent.executor.kubernetes;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.KubeadmReset;
import io.labforge.common.messaging.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Undoes init or join (only when that step made the node a member): {@code kubeadm reset -f}, then
 * what kubeadm's documentation says it leaves: {@code /etc/cni/net.d}, the iptables rules of kube-proxy
 * and Calico ({@link Iptables#withoutKubernetes}), the kubeconfigs Labforge gave.
 */
public final class KubeadmResetExecutor extends DiffingExecutor<KubeadmReset> {
    static final String CNI_CONF = "/etc/cni/net.d";

    @Override
    public Class<KubeadmReset> commandType() {
        return KubeadmReset.class;
    }

    @Override
    protected Outcome run(KubeadmReset c, StepContext ctx, boolean apply) {
        if (!c.member()) {
            return Outcome.of(false, "nothing to undo: the step did not make this node a member", Json.object());
        }
        List<String> diff = new ArrayList<>(List.of("- kubeadm reset -f", "- " + CNI_CONF + "/*", "- iptables rules of kube-proxy and Calico"));
        List<String> kubeconfigs = Kubeadm.kubeconfigs(ctx, c.user());
        kubeconfigs.forEach(k -> diff.add("- " + k));
        if (apply) {
            if (ctx.root().isReal() && ProcessRunner.onPath("kubeadm")) {
                ctx.processes().require(List.of("kubeadm", "reset", "-f"), Kubeadm.LONG, ctx.progress());
            }
            emptyDirectory(ctx.root().path(CNI_CONF));
            if (ctx.root().isReal()) {
                diff.add(Iptables.removeKubernetes(ctx));
            }
            kubeconfigs.forEach(k -> Files2.delete(ctx.root().path(k)));
        }
        return Outcome.of(true, String.join("\n", diff), Json.object());
    }

    private static void emptyDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty " + dir, e);
        }
    }
}
