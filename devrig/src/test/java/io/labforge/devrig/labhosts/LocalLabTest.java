package io.labforge.devrig.labhosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.features.Features;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabParser;
import io.labforge.common.lab.disk.DiskSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalLabTest {

    @Test
    void vmsThisMachineDoesNotRunAreReachedOnTheirAddress(@TempDir Path home) throws IOException {
        // the reference lab's disk hosts are VMs (kind defaults to vm with disks), but real ones elsewhere:
        // bootstrap must reach them on their address, not on a local forwarded port
        Lab lab = Features.PARSER.parse(Files.readString(Path.of("..", "examples", "reference-lab.yaml")), "reference-lab.yaml");
        LocalLab local = new LocalLab(lab, home);
        LocalLab.Host gitlab = local.hosts().stream().filter(h -> h.name().equals("gitlab")).findFirst().orElseThrow();
        assertThat(lab.host("gitlab").orElseThrow().kind()).isEqualTo(Lab.Kind.VM);
        assertThat(gitlab.sshTarget()).isEqualTo("192.168.56.10");
        assertThat(gitlab.container()).isNull();
        assertThat(Files.exists(home.resolve("labs"))).as("nothing written for VMs that do not run here").isFalse();
        LocalLab.Host k8s1 = local.hosts().stream().filter(h -> h.name().equals("k8s1")).findFirst().orElseThrow();
        assertThat(k8s1.container()).isEqualTo("labforge-tp2-k8s1");
    }

    @Test
    void aVmDiskGetsTheLabsSerialOrOneNamedAfterItsVolumeGroup() {
        assertThat(QemuVm.serial(new DiskSpec("/dev/vdb", null, null, "data", List.of()), 1)).isEqualTo("labforge-data");
        assertThat(QemuVm.serial(new DiskSpec(null, "lf-7", null, "data", List.of()), 1)).isEqualTo("lf-7");
        assertThat(VmShell.quote("it's; rm -rf /")).isEqualTo("'it'\\''s; rm -rf /'");
    }
}
