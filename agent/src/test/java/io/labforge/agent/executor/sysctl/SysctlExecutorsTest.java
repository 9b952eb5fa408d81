package io.labforge.agent.executor.sysctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.HostRoot;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.sysctl.RestoreSysctls;
import io.labforge.common.lab.sysctl.SetSysctls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kernel parameters on a host root: set now and at boot, idempotent, undone to exactly what was found. */
class SysctlExecutorsTest {
    @TempDir
    Path dir;

    StepContext ctx() {
        return new StepContext(new HostRoot(dir), new ProcessRunner(), 1, line -> { });
    }

    String read(String path) throws IOException {
        return Files.readString(dir.resolve(path.substring(1)));
    }

    @Test
    void setsTheRunningValuesAndTheBootFileThenChangesNothingAndTheUndoPutsBackWhatItFound() throws IOException {
        // given a host that forwards nothing and has another file of its own in sysctl.d
        Files.createDirectories(dir.resolve("proc/sys/net/ipv4"));
        Files.writeString(dir.resolve("proc/sys/net/ipv4/ip_forward"), "0\n");
        Files.createDirectories(dir.resolve("etc/sysctl.d"));
        Files.writeString(dir.resolve("etc/sysctl.d/99-admin.conf"), "vm.swappiness = 10\n");
        SetSysctls set = new SetSysctls(Map.of("net.ipv4.ip_forward", "1", "net.bridge.bridge-nf-call-iptables", "1"));

        // when it is applied
        Outcome check = new SetSysctlsExecutor().check(set, ctx());
        Outcome first = new SetSysctlsExecutor().apply(set, ctx());

        // then
        assertThat(check.diff()).isEqualTo(first.diff()).contains("~ net.ipv4.ip_forward 0 → 1");
        assertThat(read("/proc/sys/net/ipv4/ip_forward").strip()).isEqualTo("1");
        assertThat(read("/etc/sysctl.d/90-labforge.conf")).contains("net.bridge.bridge-nf-call-iptables = 1\nnet.ipv4.ip_forward = 1\n");
        assertThat(read("/etc/sysctl.d/99-admin.conf")).isEqualTo("vm.swappiness = 10\n");
        assertThat(first.outputs().get("previous").get("net.ipv4.ip_forward").asString()).isEqualTo("0");
        assertThat(first.outputs().get("previousFile").asString()).isEmpty();
        assertThat(new SetSysctlsExecutor().apply(set, ctx()).changed()).as("applied twice").isFalse();

        // and its undo restores the values it found and removes the file it wrote
        RestoreSysctls undo = new RestoreSysctls(first.outputs().get("previousFile").asString(),
                Map.of("net.ipv4.ip_forward", "0", "net.bridge.bridge-nf-call-iptables", ""));
        assertThat(new RestoreSysctlsExecutor().apply(undo, ctx()).changed()).isTrue();
        assertThat(read("/proc/sys/net/ipv4/ip_forward").strip()).isEqualTo("0");
        assertThat(dir.resolve("etc/sysctl.d/90-labforge.conf")).doesNotExist();
        assertThat(read("/etc/sysctl.d/99-admin.conf")).isEqualTo("vm.swappiness = 10\n");
        assertThat(new RestoreSysctlsExecutor().apply(undo, ctx()).changed()).isFalse();
    }

    @Test
    void aNameThatIsAPathIsRefusedBeforeAnythingIsWritten() {
        assertThatThrownBy(() -> new SetSysctlsExecutor().apply(new SetSysctls(Map.of("../../etc/shadow", "x")), ctx()))
                .isInstanceOf(ExecutorException.class).hasMessageContaining("is not a kernel parameter");
        assertThat(dir.resolve("etc")).doesNotExist();
    }
}
