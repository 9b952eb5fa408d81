package io.labforge.agent.executor.kubernetes;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.RestoreContainerd;
import io.labforge.common.messaging.Json;

/** Undoes a containerd step: its file as it was, containerd restarted (Docker must answer after). containerd stays installed. */
public final class RestoreContainerdExecutor extends DiffingExecutor<RestoreContainerd> {
    @Override
    public Class<RestoreContainerd> commandType() {
        return RestoreContainerd.class;
    }

    @Override
    protected Outcome run(RestoreContainerd c, StepContext ctx, boolean apply) {
        String now = Files2.read(ctx.root().path(Containerd.FILE)).orElse("");
        String was = c.previousConfig() == null ? "" : c.previousConfig();
        if (!c.changed() || now.equals(was)) {
            return Outcome.of(false, "nothing to undo", Json.object());
        }
        String diff = (was.isEmpty() ? "- " : "~ ") + Containerd.FILE;
        if (apply) {
            Files2.restore(ctx.root().path(Containerd.FILE), was);
            diff += "\n" + Containerd.restart(ctx);
        }
        return Outcome.of(true, diff, Json.object());
    }
}
