package io.labforge.agent.executor.kubernetes;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.DisableSwap;
import io.labforge.common.messaging.Json;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * R24: swap off now and after a reboot. The swap units are masked before fstab changes (its generator's
 * units vanish once the entries are commented out), then {@code swapoff -a}.
 */
public final class DisableSwapExecutor extends DiffingExecutor<DisableSwap> {
    @Override
    public Class<DisableSwap> commandType() {
        return DisableSwap.class;
    }

    @Override
    protected Outcome run(DisableSwap c, StepContext ctx, boolean apply) {
        String fstab = Files2.read(ctx.root().path(Fstab.FILE)).orElse("");
        List<String> entries = Fstab.swaps(fstab);
        List<String> units = Swap.unmaskedUnits(ctx);
        List<String> active = Swap.active(ctx);
        List<String> diff = new ArrayList<>();
        entries.forEach(e -> diff.add("~ " + Fstab.FILE + ": comment out '" + e.strip() + "'"));
        units.forEach(u -> diff.add("+ mask " + u));
        if (!active.isEmpty()) {
            diff.add("~ swapoff -a (active: " + String.join(", ", active) + ")");
        }
        if (apply) {
            Swap.systemctl(ctx, "mask", units);
            if (!entries.isEmpty()) {
                Files2.write(ctx.root().path(Fstab.FILE), Fstab.commentOut(fstab));
                Swap.daemonReload(ctx);
            }
            if (!active.isEmpty() && ctx.root().isReal()) {
                ctx.processes().require(List.of("swapoff", "-a"), Swap.QUICK, ctx.progress());
            }
        }
        ObjectNode out = Json.object().put(DisableSwap.COMMENTED.name(), !entries.isEmpty());
        out.set(DisableSwap.MASKED.name(), Json.tree(units));
        return Outcome.of(!diff.isEmpty(), diff.isEmpty() ? "swap is off and stays off" : String.join("\n", diff), out);
    }
}
