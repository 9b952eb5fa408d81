package io.labforge.agent.executor.disk;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.disk.EnsureDisk;
import io.labforge.common.lab.disk.RemoveDisk;
import io.labforge.common.lab.disk.Volume;
import io.labforge.common.messaging.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.node.ObjectNode;

/**
 * R3: a disk as LVM volume group, logical volumes, filesystems, mounts and fstab entries. Everything is
 * checked first ({@link DiskPlan}); then the actions run; if one fails, what this attempt created is
 * undone before the step fails, so a retry starts from the state the lab found.
 */
public final class DiskExecutor implements Executor<EnsureDisk> {

    @Override
    public Class<EnsureDisk> commandType() {
        return EnsureDisk.class;
    }

    @Override
    public Outcome check(EnsureDisk c, StepContext ctx) {
        DiskHost.requireReal(ctx);
        DiskPlan.Result r = DiskPlan.plan(c, DiskHost.read(ctx, mountPoints(c)));
        return Outcome.of(!r.actions().isEmpty(), r.diff(), outputs(r.disk().path(), new Created(c.volumeGroup())));
    }

    @Override
    public Outcome apply(EnsureDisk c, StepContext ctx) {
        DiskHost.requireReal(ctx);
        DiskPlan.Result r = DiskPlan.plan(c, DiskHost.read(ctx, mountPoints(c)));
        String device = r.disk().path();
        Created created = new Created(c.volumeGroup());
        try {
            for (DiskPlan.Action a : r.actions()) {
                ctx.progress().accept(a.describe());
                run(a, ctx, created);
            }
        } catch (RuntimeException e) {
            ctx.progress().accept("failed: " + e.getMessage() + " — undoing what this attempt created");
            try {
                RemoveDiskExecutor.remove(created.toCommand(device), ctx);
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
            }
            throw e instanceof ExecutorException ee ? ee : new ExecutorException(e.getMessage(), true, e);
        }
        return Outcome.of(!r.actions().isEmpty(), r.diff(), outputs(device, created));
    }

    private static void run(DiskPlan.Action a, StepContext ctx, Created created) {
        if (a instanceof DiskPlan.PvCreate pv) {
            DiskHost.run(ctx, DiskHost.QUICK, "pvcreate", pv.device());
            created.pv = true;
        } else if (a instanceof DiskPlan.VgCreate vg) {
            DiskHost.run(ctx, DiskHost.QUICK, "vgcreate", vg.vg(), vg.device());
            created.vg = true;
        } else if (a instanceof DiskPlan.LvCreate lv) {
            List<String> argv = new ArrayList<>(List.of("lvcreate", "--yes", "--wipesignatures", "y", "--name", lv.name()));
            if (lv.bytes() > 0) {
                argv.addAll(List.of("--size", lv.bytes() + "b"));
            } else {
                argv.addAll(List.of("--extents", lv.percentFree() + "%FREE"));
            }
            argv.add(lv.vg());
            ctx.processes().require(argv, DiskHost.QUICK, ctx.progress());
            created.lvs.add(lv.name());
        } else if (a instanceof DiskPlan.LvResize lv) {
            DiskHost.run(ctx, DiskHost.SLOW, "lvresize", "--yes", "--resizefs", "--size", lv.to() + "b", lv.vg() + "/" + lv.name());
        } else if (a instanceof DiskPlan.Mkfs fs) {
            DiskHost.run(ctx, DiskHost.SLOW, "mkfs." + fs.fstype(), "-q", lvPath(fs.vg(), fs.name()));
        } else if (a instanceof DiskPlan.FstabAdd f) {
            String uuid = DiskHost.uuid(ctx, lvPath(f.vg(), f.name()));
            Fstab now = Fstab.parse(Files2.read(ctx.root().path("/etc/fstab")).orElse(""));
            DiskHost.writeFstab(ctx, now.with(uuid, f.target(), f.fstype(), f.vg() + "/" + f.name()));
            created.fstab.add(f.target());
        } else if (a instanceof DiskPlan.Mount m) {
            try {
                Files.createDirectories(ctx.root().path(m.target()));
            } catch (IOException e) {
                throw new ExecutorException("cannot create " + m.target() + ": " + e.getMessage(), true, e);
            }
            DiskHost.run(ctx, DiskHost.QUICK, "mount", m.target()); // as /etc/fstab says: what a boot does
            created.mounts.add(m.target());
        } else {
            throw new IllegalStateException("unknown disk action " + a);
        }
    }

    static String lvPath(String vg, String lv) {
        return "/dev/" + vg + "/" + lv;
    }

    private static List<String> mountPoints(EnsureDisk c) {
        return c.volumes().stream().map(Volume::mount).filter(Objects::nonNull).toList();
    }

    private static ObjectNode outputs(String device, Created created) {
        ObjectNode o = Json.object().put("device", device).put("volumeGroup", created.vgName)
                .put("pvCreated", created.pv).put("vgCreated", created.vg);
        o.set("lvsCreated", Json.tree(created.lvs));
        o.set("fstabAdded", Json.tree(created.fstab));
        o.set("mounted", Json.tree(created.mounts));
        return o;
    }

    /** What one apply created: the compensation's input. */
    private static final class Created {
        final String vgName;
        boolean pv;
        boolean vg;
        final List<String> lvs = new ArrayList<>();
        final List<String> fstab = new ArrayList<>();
        final List<String> mounts = new ArrayList<>();

        Created(String vgName) {
            this.vgName = vgName;
        }

        RemoveDisk toCommand(String device) {
            return new RemoveDisk(device, vgName, pv, vg, List.copyOf(lvs), List.copyOf(fstab), List.copyOf(mounts));
        }
    }
}
