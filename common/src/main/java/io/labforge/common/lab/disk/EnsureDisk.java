package io.labforge.common.lab.disk;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;
import java.util.List;

/**
 * R3. A whole disk as an LVM physical volume in {@code volumeGroup}, with logical volumes, their
 * filesystems, mount points and {@code /etc/fstab} entries (by UUID). The disk is found by
 * {@code device}, else {@code serial}, else {@code diskSize} (the one unused disk of that size).
 * Everything is checked before anything changes. Reports the device and what this step created.
 */
@Message(name = "agent.EnsureDisk")
public record EnsureDisk(String device, String serial, Long diskSize, String volumeGroup, List<Volume> volumes)
        implements AgentCommand {
    public static final Output<EnsureDisk, String> DEVICE = Output.text("device");
    public static final Output<EnsureDisk, String> VOLUME_GROUP = Output.text("volumeGroup");
    public static final Output<EnsureDisk, Boolean> PV_CREATED = Output.flag("pvCreated");
    public static final Output<EnsureDisk, Boolean> VG_CREATED = Output.flag("vgCreated");
    public static final Output<EnsureDisk, List<String>> LVS_CREATED = Output.list("lvsCreated");
    public static final Output<EnsureDisk, List<String>> FSTAB_ADDED = Output.list("fstabAdded");
    public static final Output<EnsureDisk, List<String>> MOUNTED = Output.list("mounted");

    /** The command for a disk of the lab. */
    public static EnsureDisk of(DiskSpec disk) {
        return new EnsureDisk(disk.device(), disk.serial(), disk.size() == null ? null : disk.size().bytes(), disk.volumeGroup(),
                disk.volumes());
    }
}
