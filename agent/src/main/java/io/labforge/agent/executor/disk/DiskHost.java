package io.labforge.agent.executor.disk;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Reads a host's disks, LVM, mounts and fstab through the tools' JSON reports, and runs disk commands. */
final class DiskHost {
    static final Duration QUICK = Duration.ofMinutes(1);
    static final Duration SLOW = Duration.ofMinutes(10);

    private DiskHost() {
    }

    static void requireReal(StepContext ctx) {
        if (!ctx.root().isReal()) {
            throw ExecutorException.refused("disks need the real host, and this agent runs with the test root "
                    + ctx.root().dir() + " — run the agent with root / (a VM lab host) to provision disks");
        }
        if (!ProcessRunner.onPath("lvm") && !ProcessRunner.onPath("pvcreate")) {
            throw ExecutorException.refused("lvm2 is not installed on this host — install it (apt-get install lvm2), then resume");
        }
    }

    static DiskPlan.HostState read(StepContext ctx, List<String> mountPoints) {
        ProcessRunner p = ctx.processes();
        List<BlockDevice> devices = BlockDevice.parse(p.query(BlockDevice.lsblk(), QUICK));
        LvmState lvm = lvm(ctx);
        Mounts mounts = Mounts.parse(p.query(Mounts.command(), QUICK));
        Fstab fstab = Fstab.parse(Files2.read(ctx.root().path("/etc/fstab")).orElse(""));
        List<String> nonEmpty = new ArrayList<>();
        for (String m : mountPoints) {
            Path dir = ctx.root().path(m);
            if (Files.isDirectory(dir) && mounts.at(m).isEmpty()) {
                try (Stream<Path> entries = Files.list(dir)) {
                    if (entries.anyMatch(e -> !e.getFileName().toString().equals("lost+found"))) {
                        nonEmpty.add(m);
                    }
                } catch (IOException e) {
                    throw new ExecutorException("cannot list " + dir + ": " + e.getMessage(), true, e);
                }
            }
        }
        return new DiskPlan.HostState(devices, lvm, mounts, fstab, List.copyOf(nonEmpty));
    }

    /** PVs, VGs and LVs as the host has them now. */
    static LvmState lvm(StepContext ctx) {
        ProcessRunner p = ctx.processes();
        return LvmState.parse(p.query(LvmState.pvsCommand(), QUICK), p.query(LvmState.vgsCommand(), QUICK),
                p.query(LvmState.lvsCommand(), QUICK));
    }

    static void run(StepContext ctx, Duration timeout, String... argv) {
        ctx.processes().require(List.of(argv), timeout, ctx.progress());
    }

    /** The filesystem UUID of a device, probed directly ({@code blkid -p}: udev's cache may lag just after mkfs). */
    static String uuid(StepContext ctx, String device) {
        String out = ctx.processes().query(List.of("blkid", "-p", "-o", "export", device), QUICK);
        return parseBlkidExport(out).orElseThrow(() -> new ExecutorException("blkid found no filesystem UUID on " + device, true));
    }

    /** {@code blkid -o export} prints KEY=value lines; blkid has no JSON output. */
    static Optional<String> parseBlkidExport(String out) {
        return out.lines().filter(l -> l.startsWith("UUID=")).map(l -> l.substring(5).strip()).filter(s -> !s.isEmpty()).findFirst();
    }

    static void writeFstab(StepContext ctx, Fstab fstab) {
        Files2.write(ctx.root().path("/etc/fstab"), fstab.text());
        if (Files.isDirectory(Path.of("/run/systemd/system"))) {
            // systemd makes mount units from fstab: tell it, or it keeps (and may act on) the old ones
            run(ctx, QUICK, "systemctl", "daemon-reload");
        }
    }
}
