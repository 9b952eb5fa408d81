package io.labforge.orchestrator.plan.disk;

import io.labforge.common.lab.Lab;
import io.labforge.common.lab.disk.DiskSpec;
import io.labforge.common.lab.disk.EnsureDisk;
import io.labforge.common.lab.disk.RemoveDisk;
import io.labforge.orchestrator.planner.FeaturePlanner;
import io.labforge.orchestrator.planner.PlanBuilder;
import java.time.Duration;
import java.util.List;

/** R3: one step per disk, before Docker (R4's data-root lives on the volume R3 mounts); its undo removes only what it created. */
public final class DiskPlanner implements FeaturePlanner {
    @Override
    public void plan(PlanBuilder plan) {
        for (Lab.Host h : plan.lab().hosts()) {
            for (DiskSpec disk : DiskSpec.of(h)) {
                plan.step(PlanBuilder.id("disk", disk.volumeGroup(), h.name()), h.name(), EnsureDisk.of(disk))
                        .inChain()
                        .timeout(Duration.ofMinutes(15))
                        .undo(self -> new RemoveDisk(self.text(EnsureDisk.DEVICE), self.text(EnsureDisk.VOLUME_GROUP), false, false,
                                List.of(), List.of(), List.of()))
                        .undoFrom("pvCreated", EnsureDisk.PV_CREATED)
                        .undoFrom("vgCreated", EnsureDisk.VG_CREATED)
                        .undoFrom("lvsCreated", EnsureDisk.LVS_CREATED)
                        .undoFrom("fstabAdded", EnsureDisk.FSTAB_ADDED)
                        .undoFrom("mounted", EnsureDisk.MOUNTED)
                        .add();
            }
        }
    }
}
