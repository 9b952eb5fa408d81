package io.labforge.agent.executor.kubernetes;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.RestoreKernelModules;
import io.labforge.common.messaging.Json;

/** Undoes a modules step: Labforge's file as it was. Loaded modules stay: something may use them (Docker uses overlay). */
public final class RestoreKernelModulesExecutor extends DiffingExecutor<RestoreKernelModules> {
    @Override
    public Class<RestoreKernelModules> commandType() {
        return RestoreKernelModules.class;
    }

    @Override
    protected Outcome run(RestoreKernelModules c, StepContext ctx, boolean apply) {
        String now = Files2.read(ctx.root().path(KernelModules.FILE)).orElse("");
        String was = c.previousFile() == null ? "" : c.previousFile();
        if (now.equals(was)) {
            return Outcome.of(false, "nothing to undo", Json.object());
        }
        if (apply) {
            Files2.restore(ctx.root().path(KernelModules.FILE), was);
        }
        return Outcome.of(true, (was.isEmpty() ? "- " : "~ ") + KernelModules.FILE, Json.object());
    }
}
