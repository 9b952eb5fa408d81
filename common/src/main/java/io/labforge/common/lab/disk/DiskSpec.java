package io.labforge.common.lab.disk;

import io.labforge.common.lab.Lab;
import java.util.List;

/**
 * R3: a whole disk made into an LVM volume group. The disk is named by its path, by its serial, or by
 * its size alone (the one unused disk of that size); {@code size} is also the size {@code lab up} gives
 * a VM's disk.
 */
public record DiskSpec(String device, String serial, Size size, String volumeGroup, List<Volume> volumes) {
    public DiskSpec {
        volumes = List.copyOf(volumes);
    }

    /** A host's disks (a setting of the host alone, not of roles). */
    public static List<DiskSpec> of(Lab.Host host) {
        return host.own(DiskReader.SETTING).disks();
    }

    /** The disks of one host, as the {@code disks} setting holds them. */
    public record Disks(List<DiskSpec> disks) {
        public Disks {
            disks = List.copyOf(disks);
        }
    }
}
