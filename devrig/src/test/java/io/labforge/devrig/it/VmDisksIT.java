package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labforge.common.features.Features;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabParser;
import io.labforge.common.messaging.Json;
import io.labforge.devrig.embedded.EmbeddedServices;
import io.labforge.devrig.labhosts.Cmd;
import io.labforge.devrig.labhosts.LocalLab;
import io.labforge.devrig.labhosts.QemuVm;
import io.labforge.orchestrator.bootstrap.HostBootstrap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * R3 and R4 on a real VM (qemu; TCG here): the agent is bootstrapped into it over SSH, makes the LVM
 * volume, filesystem, mount and fstab entry, and Docker's data root on it; everything is asserted
 * inside the VM with lvs, findmnt, df and /etc/fstab. R24's node preparation on the same VM, where a
 * container cannot show it: a swap file in use turned off and kept off across the reboot (its unit
 * masked), br_netfilter loaded by the step and again at boot. One VM serves every test (a boot costs
 * ~1 min of CPU under TCG). Skipped, with the reason printed, only where qemu or the VM image is missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class VmDisksIT {
    static final String HOST = "vm1";
    String labSource;
    Lab lab;
    LabHostsFixture hosts;
    LocalLab local;
    EmbeddedServices services;
    Harness h;
    Path home;
    String r3Saga;
    String nodeSaga;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        labSource = Files.readString(Path.of("..", "examples", "vm-lab.yaml"));
        lab = Features.PARSER.parse(labSource, "vm-lab.yaml");
        hosts = new LabHostsFixture("VmDisksIT", lab, dir);
        local = hosts.local;
        home = hosts.home;
        long t0 = System.nanoTime();
        // the README's line, as written (./labforge lab up examples/vm-lab.yaml), sharing this test's ~/.labforge
        ReadmeLines.runLine(ReadmeLines.line("VmDisksIT", "lab up"), hosts.userHome(), Map.of(), Map.of());
        System.out.printf("VmDisksIT: VM %s answers SSH after %.0fs%n", HOST, (System.nanoTime() - t0) / 1e9);
        // the VM reaches this machine through qemu's user network: Kafka must advertise a real address of it
        services = hosts.services(QemuVm.addressForVms()).services;
        h = hosts.h;
    }

    @AfterAll
    void stop() {
        if (hosts != null) {
            hosts.close();
        }
    }

    String on(String... argv) {
        return hosts.on(HOST, argv);
    }

    JsonNode awaitFinal(String sagaId, Duration timeout) {
        return h.awaitFinal(sagaId, timeout);
    }

    static JsonNode step(JsonNode saga, String id) {
        return Harness.step(saga, id);
    }

    /** The disk as lsblk sees it inside the VM. */
    JsonNode vdb() {
        return Json.read(on("lsblk", "--json", "--bytes", "--output", "NAME,SIZE,TYPE,FSTYPE,MOUNTPOINT,SERIAL", "/dev/vdb"))
                .get("blockdevices").get(0);
    }

    @Test
    @Order(1)
    void theAgentIsBootstrappedIntoTheVmAndReportsItsDisks() {
        long t0 = System.nanoTime();
        LocalLab.Host vm = local.hosts().get(0);
        HostBootstrap.Outcome o = new HostBootstrap(Path.of("..", "agent", "target", "labforge-agent-exec.jar"),
                home.resolve("known_hosts"), new HostBootstrap.Login("root", local.privateKey(), null),
                services.kafkaBootstrapServers(), h.publicKey, h.sealingKey, h::register)
                .allTargets(List.of(new HostBootstrap.Target(HOST, vm.sshHost(), vm.sshPort()))).get(0);
        assertThat(o.ok()).as(o.detail()).isTrue();
        await("the agent announces itself").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> h.jdbc()
                .queryForObject("SELECT count(*) FROM host WHERE lab_host = ? AND announced_at IS NOT NULL", Integer.class, HOST) == 1);
        System.out.printf("VmDisksIT: agent installed and announced after %.0fs%n", (System.nanoTime() - t0) / 1e9);
        JsonNode facts = Json.read(h.jdbc().queryForObject("SELECT facts::text FROM host WHERE lab_host = ?", String.class, HOST));
        JsonNode disk = null;
        for (JsonNode d : facts.get("disks")) {
            if (d.get("path").asString().equals("/dev/vdb")) {
                disk = d;
            }
        }
        assertThat(disk).as(facts.toString()).isNotNull();
        assertThat(disk.get("sizeBytes").asLong()).isEqualTo(30L << 30);
        assertThat(disk.get("serial").asString()).isEqualTo("labforge-data");
        assertThat(disk.get("free").asBoolean()).isTrue();
    }

    @Test
    @Order(2)
    void aVolumeLargerThanTheDiskIsRefusedBeforeAnythingChanges() {
        // the lab claims a 50G disk and asks 40G of it; the real disk has 30G
        String tooBig = labSource.replace("size: 30G", "size: 50G").replace("size: 15G", "size: 40G");
        String saga = Json.read(h.post("/api/sagas", tooBig).body()).get("id").asString();
        JsonNode done = awaitFinal(saga, Duration.ofMinutes(5));
        assertThat(done.get("status").asString()).isEqualTo("PAUSED");
        JsonNode disk = step(done, "disk-data@" + HOST);
        assertThat(disk.get("error").asString()).contains("the lab says the disk is 50G but /dev/vdb has 30G", "nothing was changed");
        assertThat(vdb().get("fstype").isNull()).as(vdb().toString()).isTrue();
        assertThat(vdb().has("children")).as("no volume was made").isFalse();
        assertThat(on("pvs", "--noheadings")).isEmpty();
        assertThat(h.post("/api/sagas/" + saga + "/compensate", "").statusCode()).isLessThan(300);
        assertThat(awaitFinal(saga, Duration.ofMinutes(5)).get("status").asString()).isEqualTo("COMPENSATED");
    }

    @Test
    @Order(3)
    void r3AndR4AreAppliedAndTheVmShowsThem() {
        long t0 = System.nanoTime();
        r3Saga = Json.read(h.post("/api/sagas", labSource).body()).get("id").asString();
        JsonNode done = awaitFinal(r3Saga, Duration.ofMinutes(10));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        System.out.printf("VmDisksIT: lab applied in %.0fs (disk step: %s)%n", (System.nanoTime() - t0) / 1e9,
                step(done, "disk-data@" + HOST).get("diff").asString().replace('\n', ';'));

        JsonNode lv = Json.read(on("lvs", "--reportformat", "json", "--units", "b", "--nosuffix", "-o", "vg_name,lv_name,lv_size"))
                .get("report").get(0).get("lv").get(0);
        assertThat(lv.get("vg_name").asString()).isEqualTo("data");
        assertThat(lv.get("lv_name").asString()).isEqualTo("data");
        assertThat(lv.get("lv_size").asString()).isEqualTo(Long.toString(15L << 30));
        assertMounted();
        String uuid = on("blkid", "-s", "UUID", "-o", "value", "/dev/data/data");
        assertThat(on("cat", "/etc/fstab")).contains("UUID=" + uuid + " /data ext4 defaults 0 2");
        long size = Long.parseLong(on("df", "--output=size", "-B1", "/data").lines().skip(1).findFirst().orElseThrow().strip());
        assertThat(size).isBetween(14L << 30, 15L << 30);
        // R4: Docker's data is on the new volume
        assertThat(on("docker", "info", "--format", "{{.DockerRootDir}}")).isEqualTo("/data/docker");
        assertThat(on("ls", "/data/docker")).contains("overlay2", "containers");
        JsonNode out = step(done, "disk-data@" + HOST).get("outputs");
        assertThat(out.get("pvCreated").asBoolean()).isTrue();
        assertThat(out.get("mounted").toString()).contains("/data");
    }

    void assertMounted() {
        JsonNode fs = Json.read(on("findmnt", "--json", "--output", "TARGET,SOURCE,FSTYPE", "/data")).get("filesystems").get(0);
        assertThat(fs.get("source").asString()).isEqualTo("/dev/mapper/data-data");
        assertThat(fs.get("fstype").asString()).isEqualTo("ext4");
    }

    @Test
    @Order(4)
    void applyingTwiceChangesNothing() {
        String saga = Json.read(h.post("/api/sagas", labSource).body()).get("id").asString();
        JsonNode done = awaitFinal(saga, Duration.ofMinutes(5));
        assertThat(done.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("steps")).allSatisfy(s -> assertThat(s.get("changed").asBoolean()).as(s.toString()).isFalse());
        assertThat(on("lvs", "--noheadings", "-o", "lv_size", "--units", "b", "--nosuffix", "data/data").strip())
                .isEqualTo(Long.toString(15L << 30));
        // that saga found the disk provisioned: undoing it removes nothing it did not create
        JsonNode disk = step(done, "disk-data@" + HOST).get("outputs");
        assertThat(disk.get("pvCreated").asBoolean()).isFalse();
        assertThat(disk.get("lvsCreated")).isEmpty();
        assertThat(h.post("/api/sagas/" + saga + "/compensate", "").statusCode()).isLessThan(300);
        assertThat(awaitFinal(saga, Duration.ofMinutes(5)).get("status").asString()).isEqualTo("COMPENSATED");
        assertMounted();
        assertThat(on("cat", "/etc/fstab")).contains(" /data ext4 ");
    }

    /** What {@code systemctl is-enabled} says of a unit (it exits non-zero for a masked one). */
    String unitState(String unit) {
        return local.exec(HOST, "systemctl", "is-enabled", unit).out().strip();
    }

    /**
     * The VM as a Kubernetes node prepared for the kubelet and no further (its students would run kubeadm and
     * pick the pod network, which must accept pod traffic ahead of the FORWARD DROP of the Docker this lab runs).
     */
    String nodeLab() {
        return labSource + """

                kubernetes:
                  controlPlane: vm1
                  scope: nodes
                acknowledge: [docker-forward-drop]
                """;
    }

    @Test
    @Order(5)
    void aKubernetesNodeHasItsSwapOffItsSwapUnitMaskedAndBrNetfilterLoaded() {
        // a swap file in use, as a VM may have one, and br_netfilter out of the kernel (Docker loads it for its bridges)
        on("sh", "-c", "fallocate -l 64M /swapfile && chmod 600 /swapfile && mkswap /swapfile >/dev/null && swapon /swapfile "
                + "&& echo '/swapfile none swap sw 0 0' >> /etc/fstab && systemctl daemon-reload");
        assertThat(on("swapon", "--show=NAME", "--noheadings")).isEqualTo("/swapfile");
        boolean loaded = !local.exec(HOST, "modprobe", "-r", "br_netfilter").ok() && on("lsmod").contains("br_netfilter");
        nodeSaga = Json.read(h.post("/api/sagas", nodeLab()).body()).get("id").asString();
        JsonNode done = awaitFinal(nodeSaga, Duration.ofMinutes(10));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");

        assertThat(on("swapon", "--show=NAME", "--noheadings")).as("no swap in use").isEmpty();
        assertThat(unitState("swapfile.swap")).isEqualTo("masked");
        assertThat(on("cat", "/etc/fstab")).contains("#labforge-swap-off# /swapfile none swap sw 0 0");
        assertThat(step(done, "swap-off@" + HOST).get("outputs").get("masked").toString()).contains("swapfile.swap");
        assertThat(on("lsmod")).contains("br_netfilter", "overlay");
        if (!loaded) {
            assertThat(step(done, "kernel-modules@" + HOST).get("diff").asString()).contains("+ modprobe br_netfilter");
        } else {
            System.out.println("VmDisksIT: br_netfilter was in use and stayed loaded: the step found it present");
        }
        assertThat(on("sysctl", "-n", "net.bridge.bridge-nf-call-iptables")).isEqualTo("1");
        assertThat(on("containerd", "config", "dump")).contains("SystemdCgroup = true");
        assertThat(on("docker", "info", "--format", "{{.DockerRootDir}}")).isEqualTo("/data/docker");
    }

    @Test
    @Order(6)
    void afterARebootDataIsMountedAgainAndTheAgentIsBack() {
        Instant before = Instant.now();
        long t0 = System.nanoTime();
        // the README's line, as written: ./labforge lab reboot examples/vm-lab.yaml vm1
        ReadmeLines.runLine(ReadmeLines.line("VmDisksIT", "lab reboot"), hosts.userHome(), Map.of(), Map.of());
        local.closeShell(HOST); // the session this test kept for its commands ended with the VM
        System.out.printf("VmDisksIT: rebooted, SSH back after %.0fs%n", (System.nanoTime() - t0) / 1e9);
        assertMounted();
        assertThat(on("docker", "info", "--format", "{{.DockerRootDir}}")).isEqualTo("/data/docker");
        await("the agent comes back by itself").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .until(() -> h.jdbc().queryForObject("SELECT count(*) FROM host WHERE lab_host = ? AND announced_at > ?",
                        Integer.class, HOST, Timestamp.from(before)) == 1);
        if (nodeSaga != null) {
            // R24 after a reboot: swap still off, br_netfilter loaded (Labforge's modules-load.d file; Docker would load it
            // later too, and systemd-modules-load does not log a module it inserted), the sysctls set at boot
            assertThat(on("swapon", "--show=NAME", "--noheadings")).as("swap stays off").isEmpty();
            assertThat(on("lsmod")).contains("br_netfilter");
            assertThat(on("systemctl", "is-active", "systemd-modules-load")).isEqualTo("active");
            assertThat(on("sysctl", "-n", "net.bridge.bridge-nf-call-iptables", "net.ipv4.ip_forward")).isEqualTo("1\n1");
        }
    }

    @Test
    @Order(7)
    void compensatingTheNodeBringsItsSwapBack() {
        assertThat(nodeSaga).as("needs the node saga of test 5").isNotNull();
        assertThat(h.post("/api/sagas/" + nodeSaga + "/compensate", "").statusCode()).isLessThan(300);
        JsonNode done = awaitFinal(nodeSaga, Duration.ofMinutes(10));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("COMPENSATED");
        assertThat(unitState("swapfile.swap")).isNotEqualTo("masked");
        assertThat(on("swapon", "--show=NAME", "--noheadings")).isEqualTo("/swapfile");
        assertThat(on("cat", "/etc/fstab")).contains("\n/swapfile none swap sw 0 0").doesNotContain("labforge-swap-off");
        assertThat(local.exec(HOST, "test", "-e", "/etc/modules-load.d/labforge-kubernetes.conf").ok()).isFalse();
    }

    @Test
    @Order(8)
    void compensationLeavesTheDiskAsItWasFound() {
        assertThat(r3Saga).as("needs the applied saga of test 3").isNotNull();
        assertThat(h.post("/api/sagas/" + r3Saga + "/compensate", "").statusCode()).isLessThan(300);
        JsonNode done = awaitFinal(r3Saga, Duration.ofMinutes(10));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("COMPENSATED");
        assertThat(local.exec(HOST, "findmnt", "/data").ok()).as("/data is no longer mounted").isFalse();
        assertThat(on("cat", "/etc/fstab")).doesNotContain("/data").doesNotContain("labforge");
        assertThat(on("pvs", "--noheadings")).isEmpty();
        assertThat(on("vgs", "--noheadings")).isEmpty();
        JsonNode disk = vdb();
        assertThat(disk.get("fstype").isNull()).as(disk.toString()).isTrue();
        assertThat(disk.has("children")).isFalse();
        // blkid's probe finds no signature at all on the disk (exit 2: nothing identified)
        Cmd.Result probe = local.exec(HOST, "blkid", "-p", "-o", "export", "/dev/vdb");
        assertThat(probe.exit()).as(probe.out()).isEqualTo(2);
        assertThat(probe.out()).isEmpty();
    }
}
