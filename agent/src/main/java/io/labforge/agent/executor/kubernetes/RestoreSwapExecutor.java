package io.labforge.agent.executor.kubernetes;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.RestoreSwap;
import io.labforge.common.messaging.Json;
import java.util.ArrayList;
import java.util.List;

/** Undoes a swap step: Labforge's commented fstab entries back, the units it masked unmasked, {@code swapon -a}. */
public final class RestoreSwapExecutor extends DiffingExecutor<RestoreSwap> {
    @Override
    public Class<RestoreSwap> commandType() {
        return RestoreSwap.class;
    }

    @Override
    protected Outcome run(RestoreSwap c, StepContext ctx, boolean apply) {
        String fstab = Files2.read(ctx.root().path(Fstab.FILE)).orElse("");
        boolean entries = c.commented() && Fstab.hasMarked(fstab);
        List<String> diff = new ArrayList<>();
        if (entries) {
            diff.add("~ " + Fstab.FILE + ": swap entries back");
        }
        c.masked().forEach(u -> diff.add("- mask " + u));
        if (apply && !diff.isEmpty()) {
            if (entries) {
                Files2.write(ctx.root().path(Fstab.FILE), Fstab.restore(fstab));
            }
            if (ctx.root().isReal()) {
                Swap.systemctl(ctx, "unmask", c.masked());
                Swap.daemonReload(ctx);
                // what fstab and the units name comes back on; an entry whose device is gone is reported, not fatal
                var r = ctx.processes().run(List.of("swapon", "-a"), Swap.QUICK, ctx.progress());
                if (!r.ok()) {
                    diff.add("swapon -a: " + r.output().strip());
                }
            }
        }
        return Outcome.of(!diff.isEmpty(), diff.isEmpty() ? "nothing to undo" : String.join("\n", diff), Json.object());
    }
}
