package io.labforge.common.lab.disk;

import io.labforge.common.lab.Feature;
import java.util.List;

/** Disks (R3): LVM on a whole disk, logical volumes, filesystems, mounts in {@code /etc/fstab}. */
public final class DiskFeature {
    public static final Feature FEATURE = new Feature("disk", List.of(), List.of(DiskReader.SETTING),
            List.of(EnsureDisk.class, RemoveDisk.class));

    private DiskFeature() {
    }
}
