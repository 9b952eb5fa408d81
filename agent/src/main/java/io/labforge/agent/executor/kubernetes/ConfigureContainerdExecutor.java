package io.labforge.agent.executor.kubernetes;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.ConfigureContainerd;
import io.labforge.common.messaging.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * R24: containerd installed and configured for the kubelet; restarted only when its file changed, then
 * containerd and Docker must answer. Reports the file it found, for the undo.
 */
public final class ConfigureContainerdExecutor extends DiffingExecutor<ConfigureContainerd> {
    @Override
    public Class<ConfigureContainerd> commandType() {
        return ConfigureContainerd.class;
    }

    @Override
    protected Outcome run(ConfigureContainerd c, StepContext ctx, boolean apply) {
        String wanted = Containerd.config(c);
        String before = Files2.read(ctx.root().path(Containerd.FILE)).orElse("");
        boolean install = !Containerd.installed(ctx);
        boolean write = !before.equals(wanted);
        List<String> diff = new ArrayList<>();
        if (install) {
            diff.add("+ install containerd from the distribution");
        }
        if (write) {
            diff.add((before.isEmpty() ? "+ " : "~ ") + Containerd.FILE + " (CRI, SystemdCgroup = true, CNI in " + c.cniBinDir() + ")");
        }
        if (apply) {
            if (install && ctx.root().isReal()) {
                Containerd.install(ctx);
            }
            if (write) {
                Files2.write(ctx.root().path(Containerd.FILE), wanted);
                diff.add(Containerd.restart(ctx));
            }
        }
        return Outcome.of(!diff.isEmpty(), diff.isEmpty() ? "containerd configured for the kubelet" : String.join("\n", diff),
                Json.object().put(ConfigureContainerd.PREVIOUS_CONFIG.name(), before).put(ConfigureContainerd.CHANGED.name(), write));
    }
}
