package io.labforge.agent.executor.disk;

import static io.labforge.agent.executor.disk.DiskPlanTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing of lsblk, pvs/vgs/lvs, findmnt and blkid output, and the fstab edits. */
class ToolOutputTest {

    @Test
    void lsblkJsonGivesTheTreeWithSizesSerialsAndMounts() {
        List<BlockDevice> fresh = BlockDevice.parse(fixture("lsblk-fresh.json"));
        BlockDevice vdb = fresh.stream().filter(d -> d.name().equals("vdb")).findFirst().orElseThrow();
        assertThat(vdb.size()).isEqualTo(30L << 30);
        assertThat(vdb.serial()).isEqualTo("lf-data0");
        assertThat(vdb.isDisk()).isTrue();
        assertThat(vdb.holdsRoot()).isFalse();
        assertThat(fresh.stream().filter(d -> d.name().equals("vda")).findFirst().orElseThrow().holdsRoot()).isTrue();
        BlockDevice lv = BlockDevice.parse(fixture("lsblk-provisioned.json")).stream().filter(d -> d.name().equals("vdb"))
                .findFirst().orElseThrow().children().get(0);
        assertThat(lv).extracting(BlockDevice::path, BlockDevice::type, BlockDevice::fstype, BlockDevice::mountpoint)
                .containsExactly("/dev/mapper/data-data", "lvm", "ext4", "/data");
    }

    @Test
    void olderLsblkPrintsSizesAsStrings() {
        List<BlockDevice> d = BlockDevice.parse("{\"blockdevices\":[{\"name\":\"sdb\",\"size\":\"1073741824\",\"type\":\"disk\","
                + "\"children\":[{\"name\":\"sdb1\",\"size\":\"1000\",\"type\":\"part\",\"mountpoint\":\"[SWAP]\"}]}]}");
        assertThat(d.get(0).path()).isEqualTo("/dev/sdb");
        assertThat(d.get(0).size()).isEqualTo(1L << 30);
        assertThat(d.get(0).partitions()).containsExactly("sdb1");
        assertThat(d.get(0).holdsRoot()).as("swap counts as in use by the system").isTrue();
    }

    @Test
    void lvmReportsParseWithBytesAndEmptyReports() {
        LvmState s = LvmState.parse(fixture("pvs.json"), fixture("vgs.json"), fixture("lvs.json"));
        assertThat(s.pvs().get("/dev/vdb")).isEqualTo(new LvmState.Pv("/dev/vdb", "data", 32208060416L));
        assertThat(s.vgs().get("data")).isEqualTo(new LvmState.Vg("data", 32208060416L, 16101933056L, 1, 1));
        assertThat(s.lv("data", "data")).contains(new LvmState.Lv("data", "data", 15L << 30, "/dev/data/data"));
        LvmState empty = LvmState.parse(DiskPlanTest.NO_PV, DiskPlanTest.NO_VG, DiskPlanTest.NO_LV);
        assertThat(empty.pvs()).isEmpty();
        assertThatThrownBy(() -> LvmState.parse(null, "{\"report\":[{\"vg\":[{\"vg_name\":\"x\",\"vg_size\":\"30.00g\"}]}]}", null))
                .hasMessageContaining("--units b --nosuffix");
        assertThat(LvmState.vgsCommand()).containsSequence("--reportformat", "json", "--units", "b", "--nosuffix");
    }

    @Test
    void findmntAndBlkid() {
        Mounts m = Mounts.parse(fixture("findmnt.json"));
        assertThat(m.at("/data")).hasValueSatisfying(x -> assertThat(x.source()).isEqualTo("/dev/mapper/data-data"));
        assertThat(m.at("/nowhere")).isEmpty();
        assertThat(DiskHost.parseBlkidExport(fixture("blkid-export.txt"))).contains(DiskPlanTest.UUID);
        assertThat(DiskHost.parseBlkidExport("DEVNAME=/dev/vdb\nTYPE=LVM2_member\n")).isEmpty();
    }

    @Test
    void fstabGetsOnlyItsOwnEntryAddedAndRemoved() {
        String original = "# /etc/fstab: static file system information.\n/dev/vda / ext4 defaults 0 1\n\n"
                + "UUID=abcd /boot/efi vfat umask=0077 0 1\n";
        Fstab added = Fstab.parse(original).with("1234", "/data", "ext4", "data/data");
        assertThat(added.text()).isEqualTo(original + "# labforge: data/data\nUUID=1234 /data ext4 defaults 0 2\n");
        assertThat(added.entryFor("/data")).hasValueSatisfying(e -> assertThat(e.spec()).isEqualTo("UUID=1234"));
        assertThat(added.without("/data").text()).isEqualTo(original);
        // an entry the lab did not add is never removed
        assertThat(Fstab.parse(original).without("/boot/efi").text()).isEqualTo(original);
        assertThat(Fstab.parse("").with("1", "/a", "xfs", "vg/a").without("/a").text()).isEmpty();
    }
}
