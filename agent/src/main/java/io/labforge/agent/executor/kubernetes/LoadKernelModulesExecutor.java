package io.labforge.agent.executor.kubernetes;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.LoadKernelModules;
import io.labforge.common.messaging.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * R24: the modules in Labforge's {@code modules-load.d} file, and each loaded now with {@code modprobe}
 * unless present already (built in, or a container's host has it). A module that is neither present nor
 * loadable is refused: the sysctls and containerd after it would fail less clearly.
 */
public final class LoadKernelModulesExecutor extends DiffingExecutor<LoadKernelModules> {
    @Override
    public Class<LoadKernelModules> commandType() {
        return LoadKernelModules.class;
    }

    @Override
    protected Outcome run(LoadKernelModules c, StepContext ctx, boolean apply) {
        for (String m : c.modules()) {
            if (!KernelModules.NAME.matcher(m).matches()) {
                throw ExecutorException.refused("'" + m + "' is not a kernel module's name");
            }
        }
        String before = Files2.read(ctx.root().path(KernelModules.FILE)).orElse("");
        String wanted = KernelModules.fileContent(c.modules());
        List<String> diff = new ArrayList<>();
        if (!before.equals(wanted)) {
            diff.add((before.isEmpty() ? "+ " : "~ ") + KernelModules.FILE + " (" + String.join(", ", c.modules()) + ")");
        }
        List<String> missing = c.modules().stream().filter(m -> !KernelModules.present(ctx, m)).toList();
        missing.forEach(m -> diff.add("+ modprobe " + m));
        if (apply) {
            if (!before.equals(wanted)) {
                Files2.write(ctx.root().path(KernelModules.FILE), wanted);
            }
            for (String m : missing) {
                load(ctx, m);
            }
        }
        return Outcome.of(!diff.isEmpty(), diff.isEmpty() ? "modules " + c.modules() + " present and loaded at boot" : String.join("\n", diff),
                Json.object().put(LoadKernelModules.PREVIOUS_FILE.name(), before));
    }

    private static void load(StepContext ctx, String module) {
        if (!ctx.root().isReal()) {
            return;
        }
        if (!ProcessRunner.onPath("modprobe")) {
            throw ExecutorException.refused("kernel module " + module + " is not loaded and this host has no modprobe: install kmod, then resume");
        }
        ProcessRunner.Result r = ctx.processes().run(List.of("modprobe", module), Duration.ofSeconds(30), ctx.progress());
        if (!r.ok() && !KernelModules.present(ctx, module)) {
            throw ExecutorException.refused("kernel module " + module + " cannot be loaded (" + r.output().strip() + "): this kernel "
                    + "lacks it; Kubernetes needs it (R24), so use a kernel that has it (Debian's does), or load it on the machine "
                    + "this host runs on when it is a container");
        }
    }
}
