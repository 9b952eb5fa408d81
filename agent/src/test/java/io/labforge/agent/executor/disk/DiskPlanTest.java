package io.labforge.agent.executor.disk;

import io.labforge.common.lab.disk.Size;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.exec.ExecutorException;
import io.labforge.common.lab.disk.EnsureDisk;
import io.labforge.common.lab.disk.Volume;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every decision of {@link DiskPlan} from real tool output: the fixtures were printed by lsblk, pvs,
 * vgs, lvs, findmnt and blkid in a VM lab host (Debian 12) before and after R3 was applied by hand.
 */
class DiskPlanTest {
    static final long G = 1L << 30;
    static final String FRESH = fixture("lsblk-fresh.json");
    static final String PROVISIONED = fixture("lsblk-provisioned.json");
    static final String NO_PV = "{\"report\":[{\"pv\":[]}]}";
    static final String NO_VG = "{\"report\":[{\"vg\":[]}]}";
    static final String NO_LV = "{\"report\":[{\"lv\":[]}]}";
    static final String ROOT_ONLY = "{\"filesystems\":[{\"target\":\"/\",\"source\":\"/dev/vda\",\"fstype\":\"ext4\"}]}";
    static final String FSTAB = "/dev/vda / ext4 defaults,errors=remount-ro 0 1\n";
    static final String UUID = "801473c1-5914-475b-abe4-bb9eecb20e96";

    static String fixture(String name) {
        try (var in = DiskPlanTest.class.getResourceAsStream("/disk/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static EnsureDisk r3(String device) {
        return new EnsureDisk(device, null, 30 * G, "data", List.of(new Volume("data", Size.parse("15G"), "ext4", "/data", false)));
    }

    static DiskPlan.HostState fresh() {
        return state(FRESH, NO_PV, NO_VG, NO_LV, ROOT_ONLY, FSTAB);
    }

    static DiskPlan.HostState provisioned(String fstab) {
        return state(PROVISIONED, fixture("pvs.json"), fixture("vgs.json"), fixture("lvs.json"), fixture("findmnt.json"), fstab);
    }

    static DiskPlan.HostState state(String lsblk, String pvs, String vgs, String lvs, String findmnt, String fstab) {
        return new DiskPlan.HostState(BlockDevice.parse(lsblk), LvmState.parse(pvs, vgs, lvs), Mounts.parse(findmnt),
                Fstab.parse(fstab), List.of());
    }

    static List<String> described(DiskPlan.Result r) {
        return r.actions().stream().map(DiskPlan.Action::describe).toList();
    }

    @Test
    void aFreshDiskGetsEverythingInOrder() {
        DiskPlan.Result r = DiskPlan.plan(r3("/dev/vdb"), fresh());
        assertThat(r.disk().path()).isEqualTo("/dev/vdb");
        assertThat(r.actions()).containsExactly(new DiskPlan.PvCreate("/dev/vdb"), new DiskPlan.VgCreate("data", "/dev/vdb"),
                new DiskPlan.LvCreate("data", "data", 15 * G, 0), new DiskPlan.Mkfs("data", "data", "ext4"),
                new DiskPlan.FstabAdd("data", "data", "/data", "ext4"), new DiskPlan.Mount("data", "data", "/data"));
    }

    @Test
    void theSameLabOnTheProvisionedDiskChangesNothing() {
        String fstab = FSTAB + "# labforge: data/data\nUUID=" + UUID + " /data ext4 defaults 0 2\n";
        DiskPlan.Result r = DiskPlan.plan(r3("/dev/vdb"), provisioned(fstab));
        assertThat(r.actions()).isEmpty();
        assertThat(r.diff()).contains("already as the lab says");
    }

    @Test
    void aMissingFstabEntryIsAllThatIsAdded() {
        assertThat(DiskPlan.plan(r3("/dev/vdb"), provisioned(FSTAB)).actions())
                .containsExactly(new DiskPlan.FstabAdd("data", "data", "/data", "ext4"));
    }

    @Test
    void aDiskIsFoundBySerialOrBySizeAlone() {
        EnsureDisk bySerial = new EnsureDisk(null, "lf-data0", null, "data", r3(null).volumes());
        assertThat(DiskPlan.plan(bySerial, fresh()).disk().path()).isEqualTo("/dev/vdb");
        EnsureDisk bySize = new EnsureDisk(null, null, 30 * G, "data", r3(null).volumes());
        assertThat(DiskPlan.plan(bySize, fresh()).disk().path()).isEqualTo("/dev/vdb");
        // once provisioned, the size still finds it: a PV of the lab's own volume group is not "in use"
        assertThat(DiskPlan.plan(bySize, provisioned(FSTAB)).disk().path()).isEqualTo("/dev/vdb");
    }

    @Test
    void unknownSerialsAndAmbiguousSizesAreRefusedWithTheDisksListed() {
        assertRefused(new EnsureDisk(null, "nope", null, "data", List.of()), fresh(), "no disk has serial nope", "/dev/vdb 30G serial lf-data0");
        String twoDisks = FRESH.replace("\"name\": \"vdb\"", "\"name\": \"vdc\"").replace("\"path\": \"/dev/vdb\"", "\"path\": \"/dev/vdc\"")
                .replace("lf-data0", "lf-data1");
        String both = FRESH.substring(0, FRESH.lastIndexOf(']')) + "," + block(twoDisks, "vdc") + "]}";
        assertRefused(new EnsureDisk(null, null, 30 * G, "data", List.of()), state(both, NO_PV, NO_VG, NO_LV, ROOT_ONLY, FSTAB),
                "2 unused disks of 30G", "name one by device or serial");
        assertRefused(r3("/dev/vdz"), fresh(), "there is no disk /dev/vdz", "/dev/vda 6G");
    }

    @Test
    void theRootDiskIsRefused() {
        assertRefused(r3("/dev/vda"), fresh(), "/dev/vda is the root disk");
    }

    @Test
    void aVolumeLargerThanTheDiskIsRefusedBeforeAnything() {
        EnsureDisk big = new EnsureDisk("/dev/vdb", null, null, "data", List.of(new Volume("data", Size.parse("40G"), "ext4", "/data", false)));
        assertRefused(big, fresh(), "volume data needs 40G but volume group data has 30G free", "nothing was changed");
        EnsureDisk declared = new EnsureDisk("/dev/vdb", null, 50 * G, "data", List.of(new Volume("data", Size.parse("40G"), "ext4", "/data", false)));
        assertRefused(declared, fresh(), "the lab says the disk is 50G but /dev/vdb has 30G");
    }

    @Test
    void aDiskHoldingWhatTheLabDoesNotMentionIsRefused() {
        String withFs = FRESH.replace("\"serial\": \"lf-data0\"", "\"serial\": \"lf-data0\"").replaceFirst(
                "(\"path\": \"/dev/vdb\",[^}]*?\"fstype\": )null", "$1\"xfs\"");
        assertRefused(r3("/dev/vdb"), state(withFs, NO_PV, NO_VG, NO_LV, ROOT_ONLY, FSTAB), "/dev/vdb holds a xfs signature",
                "wipefs -a /dev/vdb");
        String withTable = FRESH.replaceFirst("(\"path\": \"/dev/vdb\",[^}]*?\"pttype\": )null", "$1\"gpt\"");
        assertRefused(r3("/dev/vdb"), state(withTable, NO_PV, NO_VG, NO_LV, ROOT_ONLY, FSTAB), "holds a gpt partition table");
        String otherVg = fixture("pvs.json").replace("\"vg_name\":\"data\"", "\"vg_name\":\"backup\"");
        assertRefused(r3("/dev/vdb"), state(FRESH, otherVg, NO_VG, NO_LV, ROOT_ONLY, FSTAB), "belongs to volume group backup");
        String orphan = fixture("pvs.json").replace("\"vg_name\":\"data\"", "\"vg_name\":\"\"");
        assertRefused(r3("/dev/vdb"), state(FRESH, orphan, NO_VG, NO_LV, ROOT_ONLY, FSTAB), "physical volume in no volume group");
    }

    @Test
    void aMountPointInUseBySomethingElseIsRefused() {
        String busy = "{\"filesystems\":[{\"target\":\"/\",\"source\":\"/dev/vda\",\"fstype\":\"ext4\"},"
                + "{\"target\":\"/data\",\"source\":\"/dev/sdc1\",\"fstype\":\"ext4\"}]}";
        assertRefused(r3("/dev/vdb"), state(FRESH, NO_PV, NO_VG, NO_LV, busy, FSTAB), "mount point /data is in use by /dev/sdc1");
        String fstab = FSTAB + "UUID=0000-1111 /data vfat defaults 0 2\n";
        assertRefused(r3("/dev/vdb"), state(FRESH, NO_PV, NO_VG, NO_LV, ROOT_ONLY, fstab), "/etc/fstab already mounts UUID=0000-1111 on /data");
        DiskPlan.HostState full = new DiskPlan.HostState(fresh().devices(), fresh().lvm(), fresh().mounts(), fresh().fstab(), List.of("/data"));
        assertRefused(r3("/dev/vdb"), full, "/data is not empty");
    }

    @Test
    void shrinkingIsRefusedUnlessTheLabSaysSo() {
        EnsureDisk smaller = new EnsureDisk("/dev/vdb", null, 30 * G, "data", List.of(new Volume("data", Size.parse("10G"), "ext4", "/data", false)));
        assertRefused(smaller, provisioned(FSTAB), "volume data is 15G, the lab says 10G: shrinking is refused", "allowShrink: true");
        EnsureDisk allowed = new EnsureDisk("/dev/vdb", null, 30 * G, "data", List.of(new Volume("data", Size.parse("10G"), "ext4", "/data", true)));
        assertThat(DiskPlan.plan(allowed, provisioned(FSTAB)).actions()).startsWith(new DiskPlan.LvResize("data", "data", 15 * G, 10 * G));
        String xfs = PROVISIONED.replace("\"fstype\": \"ext4\",\n               \"pttype\": null,\n               \"mountpoint\": \"/data\"",
                "\"fstype\": \"xfs\",\n               \"pttype\": null,\n               \"mountpoint\": \"/data\"");
        assertThat(xfs).isNotEqualTo(PROVISIONED);
        EnsureDisk xfsAllowed = new EnsureDisk("/dev/vdb", null, 30 * G, "data", List.of(new Volume("data", Size.parse("10G"), "xfs", "/data", true)));
        assertRefused(xfsAllowed, state(xfs, fixture("pvs.json"), fixture("vgs.json"), fixture("lvs.json"), fixture("findmnt.json"), FSTAB),
                "holds xfs, which cannot shrink");
    }

    @Test
    void aLargerSizeGrowsAndAPercentageNeverDoes() {
        EnsureDisk larger = new EnsureDisk("/dev/vdb", null, 30 * G, "data", List.of(new Volume("data", Size.parse("20G"), "ext4", "/data", false)));
        assertThat(DiskPlan.plan(larger, provisioned(FSTAB)).actions()).first()
                .isEqualTo(new DiskPlan.LvResize("data", "data", 15 * G, 20 * G));
        EnsureDisk all = new EnsureDisk("/dev/vdb", null, 30 * G, "data", List.of(new Volume("data", Size.parse("100%FREE"), "ext4", "/data", false)));
        String fstab = FSTAB + "# labforge: data/data\nUUID=" + UUID + " /data ext4 defaults 0 2\n";
        assertThat(DiskPlan.plan(all, provisioned(fstab)).actions()).isEmpty();
    }

    @Test
    void fixedSizesAreCarvedBeforePercentagesAndFilesystemsComeAfterEveryVolume() {
        EnsureDisk two = new EnsureDisk("/dev/vdb", null, null, "data", List.of(new Volume("rest", Size.parse("100%FREE"), "xfs", "/srv", false),
                new Volume("data", Size.parse("15G"), "ext4", "/data", false)));
        assertThat(described(DiskPlan.plan(two, fresh()))).containsExactly("+ physical volume /dev/vdb",
                "+ volume group data on /dev/vdb", "+ logical volume data/data (15G)", "+ logical volume data/rest (100%FREE)",
                "+ ext4 filesystem on data/data", "+ xfs filesystem on data/rest",
                "+ /etc/fstab: data/data (by UUID) on /data ext4", "+ mount data/data on /data",
                "+ /etc/fstab: data/rest (by UUID) on /srv xfs", "+ mount data/rest on /srv");
    }

    @Test
    void aFilesystemOtherThanTheLabsIsRefused() {
        EnsureDisk asXfs = new EnsureDisk("/dev/vdb", null, 30 * G, "data", List.of(new Volume("data", Size.parse("15G"), "xfs", "/data", false)));
        assertRefused(asXfs, provisioned(FSTAB), "volume data holds ext4, the lab says xfs");
    }

    static String block(String lsblk, String name) {
        int i = lsblk.indexOf("\"name\": \"" + name + "\"");
        int start = lsblk.lastIndexOf('{', i);
        int end = lsblk.indexOf('}', i);
        return lsblk.substring(start, end + 1);
    }

    static void assertRefused(EnsureDisk c, DiskPlan.HostState s, String... parts) {
        assertThatThrownBy(() -> DiskPlan.plan(c, s)).isInstanceOf(ExecutorException.class)
                .satisfies(e -> assertThat(((ExecutorException) e).retryable()).isFalse())
                .message().contains(parts);
    }
}
