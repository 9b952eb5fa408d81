package io.labforge.agent.executor.disk;

import io.labforge.common.exec.ExecutorException;
import io.labforge.common.lab.disk.EnsureDisk;
import io.labforge.common.lab.disk.Size;
import io.labforge.common.lab.disk.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What an {@link EnsureDisk} needs done on a host in a given state: pure, so every refusal can be
 * tested from parsed tool output. A refusal is thrown before any action exists, so nothing changes.
 */
public final class DiskPlan {
    /** LVM's default extent: logical volume sizes are rounded up to it. */
    static final long EXTENT = 4L << 20;
    /** How far a disk's real size may be below the size the lab gives (vendors' "30 GB" vs 30 GiB). */
    static final double SIZE_TOLERANCE = 0.03;

    /** One change, in the order it is made. */
    public sealed interface Action {
        String describe();
    }

    public record PvCreate(String device) implements Action {
        public String describe() {
            return "+ physical volume " + device;
        }
    }

    public record VgCreate(String vg, String device) implements Action {
        public String describe() {
            return "+ volume group " + vg + " on " + device;
        }
    }

    /** {@code bytes} for a fixed size, else {@code percentFree} of the group's free space. */
    public record LvCreate(String vg, String name, long bytes, int percentFree) implements Action {
        public String describe() {
            return "+ logical volume " + vg + "/" + name + " (" + (bytes > 0 ? new Size(bytes, 0) : percentFree + "%FREE") + ")";
        }
    }

    public record LvResize(String vg, String name, long from, long to) implements Action {
        public String describe() {
            return "~ logical volume " + vg + "/" + name + " " + new Size(from, 0) + " → " + new Size(to, 0)
                    + " (filesystem resized with it)";
        }
    }

    public record Mkfs(String vg, String name, String fstype) implements Action {
        public String describe() {
            return "+ " + fstype + " filesystem on " + vg + "/" + name;
        }
    }

    public record FstabAdd(String vg, String name, String target, String fstype) implements Action {
        public String describe() {
            return "+ /etc/fstab: " + vg + "/" + name + " (by UUID) on " + target + " " + fstype;
        }
    }

    public record Mount(String vg, String name, String target) implements Action {
        public String describe() {
            return "+ mount " + vg + "/" + name + " on " + target;
        }
    }

    public record Result(BlockDevice disk, List<Action> actions) {
        public String diff() {
            return actions.isEmpty() ? "disk " + disk.path() + " already as the lab says"
                    : String.join("\n", actions.stream().map(Action::describe).toList());
        }
    }

    /** The host as the executor found it. {@code nonEmptyDirs}: mount points that exist and hold files. */
    public record HostState(List<BlockDevice> devices, LvmState lvm, Mounts mounts, Fstab fstab, List<String> nonEmptyDirs) {
    }

    private DiskPlan() {
    }

    public static Result plan(EnsureDisk c, HostState host) {
        BlockDevice disk = find(c, host.devices(), host.lvm());
        if (disk.holdsRoot()) {
            throw refused(disk.path() + " is the root disk (it holds / or swap)", "name the lab's extra disk instead");
        }
        if (c.diskSize() != null && disk.size() < c.diskSize() * (1 - SIZE_TOLERANCE)) {
            throw refused("the lab says the disk is " + new Size(c.diskSize(), 0) + " but " + disk.path() + " has "
                    + human(disk.size()), "give the disk's real size, or use a larger disk");
        }
        List<Action> actions = new ArrayList<>();
        String vg = c.volumeGroup();
        LvmState lvm = host.lvm();
        LvmState.Pv pv = lvm.pvs().get(disk.path());
        long vgFree;
        if (pv != null) {
            if (pv.vg() == null) {
                throw refused(disk.path() + " is an LVM physical volume in no volume group, which the lab does not mention",
                        "remove it (pvremove " + disk.path() + ") if it may go, or use another disk");
            }
            if (!pv.vg().equals(vg)) {
                throw refused(disk.path() + " belongs to volume group " + pv.vg() + ", the lab says " + vg,
                        "write volumeGroup: " + pv.vg() + ", or use another disk");
            }
            vgFree = lvm.vgs().get(vg).free();
        } else {
            if (disk.fstype() != null) {
                throw refused(disk.path() + " holds a " + disk.fstype() + " signature the lab does not mention",
                        "wipe it (wipefs -a " + disk.path() + ") if its data may go, or use another disk");
            }
            if (disk.pttype() != null || !disk.children().isEmpty()) {
                throw refused(disk.path() + " holds a " + (disk.pttype() != null ? disk.pttype() + " " : "")
                        + "partition table the lab does not mention", "wipe it (wipefs -a " + disk.path()
                        + ") if its partitions may go, or use another disk");
            }
            if (lvm.vgs().containsKey(vg)) {
                throw refused("volume group " + vg + " already exists on " + lvm.pvsOf(vg).stream().map(LvmState.Pv::device).toList(),
                        "choose another volumeGroup name, or name the disk it is on");
            }
            actions.add(new PvCreate(disk.path()));
            actions.add(new VgCreate(vg, disk.path()));
            // what vgcreate leaves: the disk less the metadata area (1 MiB), in whole extents
            vgFree = (disk.size() - (1L << 20)) / EXTENT * EXTENT;
        }

        List<Volume> ordered = new ArrayList<>(c.volumes().stream().filter(v -> !v.size().isPercent()).toList());
        ordered.addAll(c.volumes().stream().filter(v -> v.size().isPercent()).toList()); // fixed sizes first
        List<Action> fs = new ArrayList<>();
        for (Volume v : ordered) {
            Size size = v.size();
            Optional<LvmState.Lv> existing = lvm.lv(vg, v.name());
            Optional<BlockDevice> lvDev = existing.flatMap(lv -> lvDevice(host.devices(), disk, vg, v.name()));
            if (existing.isEmpty()) {
                if (size.isPercent()) {
                    if (vgFree < EXTENT) {
                        throw refused("volume " + v.name() + " (" + size + ") gets nothing: the volume group has no free space left",
                                "make the fixed-size volumes smaller, or use a larger disk");
                    }
                    actions.add(new LvCreate(vg, v.name(), 0, size.percentFree()));
                    vgFree -= vgFree * size.percentFree() / 100 / EXTENT * EXTENT;
                } else {
                    long want = roundUp(size.bytes());
                    if (want > vgFree) {
                        throw refused("volume " + v.name() + " needs " + size + " but volume group " + vg + " has "
                                + human(vgFree) + " free on " + disk.path() + " (" + human(disk.size()) + ")",
                                "make the volume smaller (or 100%FREE), or use a larger disk");
                    }
                    actions.add(new LvCreate(vg, v.name(), want, 0));
                    vgFree -= want;
                }
            } else if (!size.isPercent()) {
                // a percentage never grows an existing volume: re-running must not change it (Ansible lvol's bug)
                long want = roundUp(size.bytes());
                long have = existing.get().size();
                if (want > have) {
                    if (want - have > vgFree) {
                        throw refused("volume " + v.name() + " would grow to " + size + " but volume group " + vg + " has "
                                + human(vgFree) + " free", "make it smaller, or use a larger disk");
                    }
                    actions.add(new LvResize(vg, v.name(), have, want));
                    vgFree -= want - have;
                } else if (want < have) {
                    if (!v.allowShrink()) {
                        throw refused("volume " + v.name() + " is " + human(have) + ", the lab says " + size
                                + ": shrinking is refused (it can lose data)", "write allowShrink: true for it if it may shrink");
                    }
                    String fstype = lvDev.map(BlockDevice::fstype).orElse(null);
                    if ("xfs".equals(fstype)) {
                        throw refused("volume " + v.name() + " holds xfs, which cannot shrink", "keep its size, or recreate it");
                    }
                    actions.add(new LvResize(vg, v.name(), have, want));
                    vgFree += have - want;
                }
            }
            if (v.filesystem() != null) {
                String current = lvDev.map(BlockDevice::fstype).orElse(null);
                if (current == null) {
                    fs.add(new Mkfs(vg, v.name(), v.filesystem()));
                } else if (!current.equals(v.filesystem())) {
                    throw refused("volume " + v.name() + " holds " + current + ", the lab says " + v.filesystem(),
                            "write filesystem: " + current + ", or remove the volume if its data may go");
                }
            }
            if (v.mount() != null) {
                fs.addAll(mount(v, vg, lvDev, host));
            }
        }
        // filesystems and mounts after every volume exists: a refusal above leaves all of them untouched
        actions.addAll(fs.stream().filter(a -> a instanceof Mkfs).toList());
        actions.addAll(fs.stream().filter(a -> !(a instanceof Mkfs)).toList());
        return new Result(disk, List.copyOf(actions));
    }

    private static List<Action> mount(Volume v, String vg, Optional<BlockDevice> lvDev, HostState host) {
        List<Action> out = new ArrayList<>();
        String target = v.mount();
        Optional<Mounts.Mount> there = host.mounts().at(target);
        String lvPath = lvDev.map(BlockDevice::path).orElse(null);
        boolean ours = there.isPresent() && lvPath != null && there.get().source().equals(lvPath);
        if (there.isPresent() && !ours) {
            throw refused("mount point " + target + " is in use by " + there.get().source(),
                    "unmount it (and remove it from /etc/fstab) if it may go, or choose another mount point");
        }
        if (lvDev.isPresent() && lvDev.get().mountpoint() != null && !lvDev.get().mountpoint().equals(target)) {
            throw refused("volume " + v.name() + " is mounted on " + lvDev.get().mountpoint() + ", the lab says " + target,
                    "unmount it there, or write mount: " + lvDev.get().mountpoint());
        }
        Optional<Fstab.Entry> entry = host.fstab().entryFor(target);
        if (entry.isPresent()) {
            String uuid = lvDev.map(BlockDevice::uuid).orElse(null);
            String spec = entry.get().spec();
            boolean mine = (uuid != null && spec.equals("UUID=" + uuid)) || (lvPath != null && spec.equals(lvPath))
                    || spec.equals("/dev/" + vg + "/" + v.name());
            if (!mine) {
                throw refused("/etc/fstab already mounts " + spec + " on " + target,
                        "remove that line if it may go, or choose another mount point");
            }
        } else {
            out.add(new FstabAdd(vg, v.name(), target, v.filesystem()));
        }
        if (!ours) {
            if (host.nonEmptyDirs().contains(target)) {
                throw refused(target + " is not empty: mounting on it would hide its files",
                        "move its content away, or choose another mount point");
            }
            out.add(new Mount(vg, v.name(), target));
        }
        return out;
    }

    /** The disk the command names: by path, by serial, or by size among the disks in no use. */
    static BlockDevice find(EnsureDisk c, List<BlockDevice> devices, LvmState lvm) {
        List<BlockDevice> disks = devices.stream().filter(BlockDevice::isDisk).toList();
        if (c.device() != null) {
            return devices.stream().flatMap(d -> d.flatten().stream()).filter(d -> d.path().equals(c.device())).findFirst()
                    .map(d -> {
                        if (!d.isDisk()) {
                            throw refused(c.device() + " is a " + d.type() + ", not a whole disk", "name a whole disk, e.g. /dev/vdb");
                        }
                        return d;
                    })
                    .orElseThrow(() -> refused("there is no disk " + c.device() + " on this host (disks: " + list(disks) + ")",
                            "name one of those"));
        }
        if (c.serial() != null) {
            return disks.stream().filter(d -> c.serial().equals(d.serial())).findFirst().orElseThrow(() -> refused(
                    "no disk has serial " + c.serial() + " (disks: " + list(disks) + ")", "name one of those"));
        }
        if (c.diskSize() == null) {
            throw refused("the disk is not named", "give its device, its serial or its size");
        }
        List<BlockDevice> fit = disks.stream().filter(d -> Math.abs(d.size() - c.diskSize()) <= c.diskSize() * SIZE_TOLERANCE)
                .filter(d -> !d.holdsRoot())
                .filter(d -> {
                    LvmState.Pv pv = lvm.pvs().get(d.path());
                    return pv != null ? c.volumeGroup().equals(pv.vg())
                            : d.fstype() == null && d.pttype() == null && d.children().isEmpty();
                }).toList();
        if (fit.size() == 1) {
            return fit.get(0);
        }
        throw refused((fit.isEmpty() ? "no unused disk" : fit.size() + " unused disks") + " of " + new Size(c.diskSize(), 0)
                + " (disks: " + list(disks) + ")", fit.isEmpty() ? "attach one, or name a disk by device" : "name one by device or serial");
    }

    /** The logical volume's node in lsblk's tree (below its disk). */
    private static Optional<BlockDevice> lvDevice(List<BlockDevice> devices, BlockDevice disk, String vg, String lv) {
        String dm = vg.replace("-", "--") + "-" + lv.replace("-", "--");
        return disk.flatten().stream().filter(d -> "lvm".equals(d.type()) && d.name().equals(dm)).findFirst();
    }

    static long roundUp(long bytes) {
        return (bytes + EXTENT - 1) / EXTENT * EXTENT;
    }

    private static String list(List<BlockDevice> disks) {
        return String.join(", ", disks.stream().map(d -> d.path() + " " + human(d.size())
                + (d.serial() != null ? " serial " + d.serial() : "")).toList());
    }

    static String human(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1fG", bytes / (double) (1L << 30)).replace(".0G", "G");
        }
        return String.format(Locale.ROOT, "%.0fM", bytes / (double) (1L << 20));
    }

    private static ExecutorException refused(String what, String fix) {
        return ExecutorException.refused(what + " — " + fix + "; nothing was changed");
    }
}
