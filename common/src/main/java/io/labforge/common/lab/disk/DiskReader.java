package io.labforge.common.lab.disk;

import io.labforge.common.lab.HostSetting;
import io.labforge.common.lab.LabReading;
import io.labforge.common.lab.Risk;
import io.labforge.common.lab.YamlWalker;
import io.labforge.common.net.SystemPaths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/** {@code disks:} of a host (R3): each disk, its volume group and its logical volumes; a host with disks is a VM. */
final class DiskReader {
    // a host with disks is a VM: LVM needs device-mapper, which containers do not have
    static final HostSetting<DiskSpec.Disks> SETTING = HostSetting.hostOnly("disks", DiskSpec.Disks.class, new DiskSpec.Disks(List.of()),
            d -> !d.disks().isEmpty(), DiskReader::read);
    private static final Pattern ABSOLUTE_PATH = Pattern.compile("/[A-Za-z0-9._/@+-]*");
    private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern LVM_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]{0,126}");

    private static DiskSpec.Disks read(Node node, String path, LabReading in) {
        YamlWalker w = in.yaml();
        List<DiskSpec> disks = new ArrayList<>();
        Map<String, String> devices = new HashMap<>();
        Map<String, String> mounts = new HashMap<>();
        Map<String, String> groups = new HashMap<>();
        List<Node> items = w.sequence(node, path);
        for (int i = 0; i < items.size(); i++) {
            String dp = path + "[" + i + "]";
            Map<String, Node> d = w.mapping(items.get(i), dp, Set.of("device", "serial", "size", "volumeGroup", "volumes"), Set.of("volumeGroup"));
            String device = w.string(d.get("device"), dp + ".device");
            String serial = in.text(d.get("serial"), dp + ".serial", s -> SERIAL.matcher(s).matches(), "a disk serial",
                    "write the serial lsblk shows (letters, digits, '-', '_', '.')");
            if (device == null && serial == null && d.get("size") == null) {
                w.error(dp, "the disk is not named", "give its device (e.g. /dev/vdb), its serial, or its size");
            }
            if (device != null) {
                if (!device.startsWith("/dev/") || !ABSOLUTE_PATH.matcher(device).matches()) {
                    w.error(dp + ".device", "'" + device + "' is not a device path", "write e.g. /dev/vdb or /dev/disk/by-id/...");
                } else if (devices.putIfAbsent(device, dp) != null) {
                    w.error(dp + ".device", "device " + device + " is already used by " + devices.get(device), "name each disk once");
                }
            }
            Size diskSize = size(w, d.get("size"), dp + ".size", false);
            String vg = w.string(d.get("volumeGroup"), dp + ".volumeGroup");
            if (vg != null && !LVM_NAME.matcher(vg).matches()) {
                w.error(dp + ".volumeGroup", "'" + vg + "' is not a volume group name", "use letters, digits, '_', '.', '+' or '-'");
            } else if (vg != null && groups.putIfAbsent(vg, dp) != null) {
                w.error(dp + ".volumeGroup", "volume group " + vg + " is already made from " + groups.get(vg), "give each disk its own volume group");
            }
            List<Volume> volumes = new ArrayList<>();
            List<Node> vs = w.sequence(d.get("volumes"), dp + ".volumes");
            long fixed = 0;
            for (int v = 0; v < vs.size(); v++) {
                String vp = dp + ".volumes[" + v + "]";
                Map<String, Node> vol = w.mapping(vs.get(v), vp, Set.of("name", "size", "filesystem", "mount", "allowShrink"), Set.of("name", "size"));
                String name = in.text(vol.get("name"), vp + ".name", n -> LVM_NAME.matcher(n).matches(), "a logical volume name",
                        "use letters, digits, '_', '.', '+' or '-'");
                Size size = size(w, vol.get("size"), vp + ".size", true);
                if (size != null && !size.isPercent()) {
                    fixed += size.bytes();
                    if (diskSize != null && fixed > diskSize.bytes()) {
                        w.error(vp + ".size", "the volumes need " + new Size(fixed, 0) + " but the disk has " + diskSize,
                                "make the volumes fit in " + diskSize + " (sizes are binary: 1G = 1024M), or use a larger disk");
                    }
                }
                String fs = in.oneOf(vol.get("filesystem"), vp + ".filesystem", "filesystem", List.of("ext4", "xfs"));
                String mount = w.string(vol.get("mount"), vp + ".mount");
                if (mount != null) {
                    if (!ABSOLUTE_PATH.matcher(mount).matches() || mount.equals("/")) {
                        w.error(vp + ".mount", "'" + mount + "' is not a mount point Labforge can use", "write an absolute path such as /data");
                    } else if (SystemPaths.isSystem(mount)) {
                        in.risk(Risk.SYSTEM_PATH, vp + ".mount", vol.get("mount"), "a volume mounted on " + mount
                                + " would hide a directory the system lives in", "mount it on a directory of its own, such as /data (R3)");
                        mounts.putIfAbsent(mount, vp);
                    } else if (mounts.putIfAbsent(mount, vp) != null) {
                        w.error(vp + ".mount", "mount point " + mount + " is already used by " + mounts.get(mount), "mount each volume on its own path");
                    }
                    if (fs == null && vol.get("filesystem") == null) {
                        w.error(vp + ".filesystem", "a mounted volume needs a filesystem", "add filesystem: ext4");
                    }
                }
                boolean shrink = Boolean.TRUE.equals(w.bool(vol.get("allowShrink"), vp + ".allowShrink"));
                volumes.add(new Volume(name, size, fs, mount, shrink));
            }
            disks.add(new DiskSpec(device, serial, diskSize, vg, volumes));
        }
        return new DiskSpec.Disks(disks);
    }

    private static Size size(YamlWalker w, Node node, String path, boolean percentAllowed) {
        String s = w.string(node, path);
        if (s == null) {
            return null;
        }
        try {
            Size size = Size.parse(s);
            if (size.isPercent() && !percentAllowed) {
                w.error(path, "a disk's size cannot be a percentage", "write its size, e.g. 30G");
                return null;
            }
            return size;
        } catch (IllegalArgumentException e) {
            w.error(path, "'" + s + "' is not a size", "write e.g. 15G, 512M" + (percentAllowed ? " or 100%FREE" : ""));
            return null;
        }
    }
}
