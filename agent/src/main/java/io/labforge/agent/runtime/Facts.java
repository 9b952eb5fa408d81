package io.labforge.agent.runtime;

import io.labforge.agent.exec.Files2;
import io.labforge.agent.executor.disk.BlockDevice;
import io.labforge.common.agent.AgentPresence;
import io.labforge.common.exec.HostRoot;
import io.labforge.common.exec.ProcessRunner;
import java.net.Inet6Address;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What an agent tells about its host when it starts. */
public final class Facts {
    private Facts() {
    }

    public static AgentPresence.Facts gather(HostRoot root, String sealingKey) {
        String hostname = Files2.read(root.path("/etc/hostname")).map(String::strip).orElse("");
        String os = Files2.read(root.path("/etc/os-release")).flatMap(s -> s.lines()
                .filter(l -> l.startsWith("PRETTY_NAME=")).findFirst()).map(l -> l.substring(12).replace("\"", ""))
                .orElse(System.getProperty("os.name"));
        return new AgentPresence.Facts(hostname, os, System.getProperty("os.version"), addresses(),
                root.isReal() ? disks() : List.of(), sealingKey);
    }

    private static List<String> addresses() {
        List<String> out = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nif.isLoopback() || !nif.isUp()) {
                    continue;
                }
                nif.inetAddresses().filter(a -> !(a instanceof Inet6Address) || !a.isLinkLocalAddress())
                        .forEach(a -> out.add(a.getHostAddress()));
            }
        } catch (SocketException e) {
            // no interfaces to report
        }
        return out;
    }

    /** Whole disks from {@code lsblk --json} (the same parse the disk executor uses); none where lsblk is missing. */
    private static List<AgentPresence.Disk> disks() {
        if (!ProcessRunner.onPath("lsblk")) {
            return List.of();
        }
        try {
            List<AgentPresence.Disk> out = new ArrayList<>();
            for (BlockDevice d : BlockDevice.parse(new ProcessRunner().query(BlockDevice.lsblk(), Duration.ofSeconds(20)))) {
                if (!d.isDisk() || d.size() == 0) {
                    continue;
                }
                String usage = usage(d);
                out.add(new AgentPresence.Disk(d.name(), d.path(), d.size(), d.model(), d.serial(), usage == null,
                        d.partitions(), usage));
            }
            return out;
        } catch (RuntimeException e) {
            return List.of(); // facts are best effort
        }
    }

    static String usage(BlockDevice d) {
        if (d.pttype() != null || !d.partitions().isEmpty()) {
            return (d.pttype() != null ? d.pttype() : "partitions") + ": " + String.join(", ", d.partitions());
        }
        if (d.fstype() != null) {
            return d.fstype() + d.anyMountpoint().map(m -> " on " + m).orElse("");
        }
        return d.children().isEmpty() && d.mountpoint() == null ? null : "in use: " + d.anyMountpoint().orElse("holders");
    }
}
