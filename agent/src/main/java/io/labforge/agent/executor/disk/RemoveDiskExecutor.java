package io.labforge.agent.executor.disk;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.disk.RemoveDisk;
import io.labforge.common.messaging.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Undoes {@link EnsureDisk}: unmounts, removes the fstab entries,
 * the logical volumes, the volume group and the physical volume — only those the step created, and
 * only while they are still there, so running it twice is harmless.
 */
public final class RemoveDiskExecutor implements Executor<RemoveDisk> {

    @Override
    public Class<RemoveDisk> commandType() {
        return RemoveDisk.class;
    }

    @Override
    public Outcome check(RemoveDisk c, StepContext ctx) {
        DiskHost.requireReal(ctx);
        List<String> steps = plan(c, DiskHost.read(ctx, List.of()));
        return Outcome.of(!steps.isEmpty(), steps.isEmpty() ? "nothing the lab created is left on " + c.device()
                : String.join("\n", steps), Json.object());
    }

    @Override
    public Outcome apply(RemoveDisk c, StepContext ctx) {
        DiskHost.requireReal(ctx);
        List<String> done = remove(c, ctx);
        return Outcome.of(!done.isEmpty(), done.isEmpty() ? "nothing the lab created is left on " + c.device()
                : String.join("\n", done), Json.object());
    }

    static List<String> remove(RemoveDisk c, StepContext ctx) {
        List<String> done = new ArrayList<>();
        DiskPlan.HostState s = DiskHost.read(ctx, List.of());
        for (String target : reversed(c.mounted())) {
            if (s.mounts().at(target).isPresent()) {
                DiskHost.run(ctx, DiskHost.QUICK, "umount", target);
                done.add("- mount " + target);
            }
        }
        Fstab fstab = s.fstab();
        Fstab without = fstab;
        for (String target : c.fstabAdded()) {
            without = without.without(target);
        }
        if (!without.equals(fstab)) {
            DiskHost.writeFstab(ctx, without);
            done.add("- /etc/fstab entries for " + c.fstabAdded());
        }
        for (String lv : reversed(c.lvsCreated())) {
            if (s.lvm().lv(c.volumeGroup(), lv).isPresent()) {
                DiskHost.run(ctx, DiskHost.QUICK, "lvremove", "--yes", c.volumeGroup() + "/" + lv);
                done.add("- logical volume " + c.volumeGroup() + "/" + lv);
            }
        }
        if (c.vgCreated() && s.lvm().vgs().containsKey(c.volumeGroup())) {
            LvmState now = DiskHost.lvm(ctx);
            if (now.vgs().get(c.volumeGroup()).lvCount() == 0) {
                DiskHost.run(ctx, DiskHost.QUICK, "vgremove", "--yes", c.volumeGroup());
                done.add("- volume group " + c.volumeGroup());
            } else {
                ctx.progress().accept("volume group " + c.volumeGroup() + " still holds volumes the lab did not create: kept");
            }
        }
        if (c.pvCreated()) {
            LvmState now = DiskHost.lvm(ctx);
            LvmState.Pv pv = now.pvs().get(c.device());
            if (pv != null && pv.vg() == null) {
                DiskHost.run(ctx, DiskHost.QUICK, "pvremove", "--yes", c.device());
                done.add("- physical volume " + c.device());
            }
        }
        return done;
    }

    private static List<String> reversed(List<String> l) {
        List<String> r = new ArrayList<>(l);
        Collections.reverse(r);
        return r;
    }

    /** What {@link #remove} would do, for a plan. */
    private static List<String> plan(RemoveDisk c, DiskPlan.HostState s) {
        List<String> out = new ArrayList<>();
        reversed(c.mounted()).stream().filter(t -> s.mounts().at(t).isPresent()).forEach(t -> out.add("- mount " + t));
        c.fstabAdded().stream().filter(t -> s.fstab().entryFor(t).isPresent()).forEach(t -> out.add("- /etc/fstab entry for " + t));
        c.lvsCreated().stream().filter(lv -> s.lvm().lv(c.volumeGroup(), lv).isPresent())
                .forEach(lv -> out.add("- logical volume " + c.volumeGroup() + "/" + lv));
        if (c.vgCreated() && s.lvm().vgs().containsKey(c.volumeGroup())) {
            out.add("- volume group " + c.volumeGroup());
        }
        if (c.pvCreated() && s.lvm().pvs().containsKey(c.device())) {
            out.add("- physical volume " + c.device());
        }
        return out;
    }
}
