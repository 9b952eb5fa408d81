package io.labforge.agent.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.exec.ExecutorException;
import io.labforge.agent.executor.TestRoot;
import io.labforge.common.exec.Outcome;
import io.labforge.common.lab.kubernetes.ConfigureContainerd;
import io.labforge.common.lab.kubernetes.DisableSwap;
import io.labforge.common.lab.kubernetes.LoadKernelModules;
import io.labforge.common.lab.kubernetes.RestoreContainerd;
import io.labforge.common.lab.kubernetes.RestoreKernelModules;
import io.labforge.common.lab.kubernetes.RestoreSwap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kubernetes node's preparation (R24) on a host root: each step changes what it must, nothing twice,
 * and its undo gives back the files byte for byte. (On real hosts: KubernetesNodesIT.)
 */
class KubernetesNodeExecutorsTest {
    static final String FSTAB = """
            UUID=1234 / ext4 errors=remount-ro 0 1
            /swapfile none swap sw 0 0
            # /dev/sdb2 none swap sw 0 0
            UUID=abcd none  swap  defaults,pri=5 0 0
            """;
    /** Debian 12's containerd package ships this. */
    static final String DEBIAN_CONTAINERD = """
            version = 2

            [plugins]
              [plugins."io.containerd.grpc.v1.cri"]
                [plugins."io.containerd.grpc.v1.cri".cni]
                  bin_dir = "/usr/lib/cni"
                  conf_dir = "/etc/cni/net.d"
              [plugins."io.containerd.internal.v1.opt"]
                path = "/var/lib/containerd/opt"
            """;

    @TempDir
    Path dir;

    TestRoot root;

    @BeforeEach
    void hostRoot() {
        root = new TestRoot(dir);
    }

    @Test
    void swapEntriesAreCommentedOutWithLabforgesMarkAndOnlyThoseComeBack() throws IOException {
        root.write("/etc/fstab", FSTAB);
        Outcome check = new DisableSwapExecutor().check(new DisableSwap(), root.ctx());
        Outcome off = new DisableSwapExecutor().apply(new DisableSwap(), root.ctx());

        assertThat(check.diff()).isEqualTo(off.diff()).contains("comment out '/swapfile none swap sw 0 0'");
        String fstab = Files.readString(root.file("/etc/fstab"));
        assertThat(fstab.lines().filter(Fstab::isSwap)).as("active swap entries").isEmpty();
        assertThat(fstab).contains("#labforge-swap-off# /swapfile none swap sw 0 0", "# /dev/sdb2 none swap sw 0 0",
                "UUID=1234 / ext4 errors=remount-ro 0 1");
        assertThat(off.outputs().get("commented").asBoolean()).isTrue();
        assertThat(new DisableSwapExecutor().apply(new DisableSwap(), root.ctx()).changed()).as("applied twice").isFalse();

        Outcome undo = new RestoreSwapExecutor().apply(new RestoreSwap(List.of(), true), root.ctx());
        assertThat(undo.changed()).isTrue();
        assertThat(Files.readString(root.file("/etc/fstab"))).isEqualTo(FSTAB);
        assertThat(new RestoreSwapExecutor().apply(new RestoreSwap(List.of(), true), root.ctx()).changed()).isFalse();
    }

    @Test
    void anUndoOfAStepThatCommentedNothingLeavesAnAdministratorsMarkedLinesAlone() throws IOException {
        root.write("/etc/fstab", "UUID=1 / ext4 defaults 0 1\n");
        Outcome off = new DisableSwapExecutor().apply(new DisableSwap(), root.ctx());
        assertThat(off.changed()).isFalse();
        assertThat(off.outputs().get("commented").asBoolean()).isFalse();
        root.write("/etc/fstab", "#labforge-swap-off# /swapfile none swap sw 0 0\n"); // from an earlier saga, still wanted off
        assertThat(new RestoreSwapExecutor().apply(new RestoreSwap(List.of(), false), root.ctx()).changed()).isFalse();
        assertThat(Files.readString(root.file("/etc/fstab"))).startsWith("#labforge-swap-off#");
    }

    @Test
    void modulesGoToTheBootFileAndThoseThatArePresentAreNotLoadedAgain() throws IOException {
        // overlay loaded, br_netfilter built in: only what it provides is there
        Files.createDirectories(root.file("/sys/module/overlay"));
        Files.createDirectories(root.file("/proc/sys/net/bridge"));
        LoadKernelModules load = new LoadKernelModules(List.of("overlay", "br_netfilter"));
        Outcome first = new LoadKernelModulesExecutor().apply(load, root.ctx());

        assertThat(first.diff()).contains("+ /etc/modules-load.d/labforge-kubernetes.conf").doesNotContain("modprobe");
        assertThat(Files.readString(root.file("/etc/modules-load.d/labforge-kubernetes.conf")).lines().filter(l -> !l.startsWith("#")))
                .containsExactly("overlay", "br_netfilter");
        assertThat(new LoadKernelModulesExecutor().apply(load, root.ctx()).changed()).isFalse();

        assertThat(new RestoreKernelModulesExecutor().apply(new RestoreKernelModules(first.outputs().get("previousFile").asString()), root.ctx())
                .changed()).isTrue();
        assertThat(root.file("/etc/modules-load.d/labforge-kubernetes.conf")).doesNotExist();
    }

    @Test
    void aModuleThatIsNotPresentIsToBeLoadedAndANameThatIsNoModuleIsRefused() {
        Outcome check = new LoadKernelModulesExecutor().check(new LoadKernelModules(List.of("br_netfilter")), root.ctx());
        assertThat(check.diff()).contains("+ modprobe br_netfilter");
        assertThatThrownBy(() -> new LoadKernelModulesExecutor().check(new LoadKernelModules(List.of("../evil")), root.ctx()))
                .isInstanceOf(ExecutorException.class).hasMessageContaining("not a kernel module");
    }

    @Test
    void containerdGetsCriWithTheSystemdCgroupDriverAndCalicosCniDirectoryThenItsOwnFileBack() throws IOException {
        root.write("/usr/bin/containerd", "");
        root.write("/etc/containerd/config.toml", DEBIAN_CONTAINERD);
        ConfigureContainerd c = new ConfigureContainerd("/opt/cni/bin", "/etc/cni/net.d", "registry.k8s.io/pause:3.10");
        Outcome first = new ConfigureContainerdExecutor().apply(c, root.ctx());

        String config = Files.readString(root.file("/etc/containerd/config.toml"));
        assertThat(config).contains("SystemdCgroup = true", "bin_dir = \"/opt/cni/bin\"", "conf_dir = \"/etc/cni/net.d\"",
                "runtime_type = \"io.containerd.runc.v2\"", "sandbox_image = \"registry.k8s.io/pause:3.10\"")
                .doesNotContain("disabled_plugins", "/usr/lib/cni");
        assertThat(first.diff()).contains("~ /etc/containerd/config.toml").doesNotContain("install");
        assertThat(first.outputs().get("changed").asBoolean()).isTrue();
        Outcome again = new ConfigureContainerdExecutor().apply(c, root.ctx());
        assertThat(again.changed()).as("applied twice: no restart").isFalse();
        assertThat(again.outputs().get("changed").asBoolean()).isFalse();

        RestoreContainerd undo = new RestoreContainerd(first.outputs().get("previousConfig").asString(), true);
        assertThat(new RestoreContainerdExecutor().apply(undo, root.ctx()).changed()).isTrue();
        assertThat(Files.readString(root.file("/etc/containerd/config.toml"))).isEqualTo(DEBIAN_CONTAINERD);
        // the undo of a step that found the file as it wanted changes nothing
        assertThat(new RestoreContainerdExecutor().apply(new RestoreContainerd(config, false), root.ctx()).changed()).isFalse();
    }

    @Test
    void containerdIsInstalledWhereItIsMissingAndPathsThatAreNotDirectoriesAreRefused() {
        assertThat(new ConfigureContainerdExecutor().check(new ConfigureContainerd("/opt/cni/bin", "/etc/cni/net.d", null), root.ctx()).diff())
                .contains("+ install containerd");
        assertThatThrownBy(() -> new ConfigureContainerdExecutor().check(new ConfigureContainerd("/opt/\"cni", "/etc/cni/net.d", null), root.ctx()))
                .isInstanceOf(ExecutorException.class).hasMessageContaining("not an absolute directory path");
    }
}
