package io.labforge.agent.runtime;

import io.labforge.agent.exec.Files2;
import io.labforge.agent.exec.HostRoot;
import io.labforge.common.agent.AgentPresence;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/** What an agent tells about its host when it starts. */
final class Facts {
    private Facts() {
    }

    static AgentPresence.Facts gather(HostRoot root) {
        String hostname = Files2.read(root.path("/etc/hostname")).map(String::strip).orElse("");
        String os = Files2.read(root.path("/etc/os-release")).flatMap(s -> s.lines()
                .filter(l -> l.startsWith("PRETTY_NAME=")).findFirst()).map(l -> l.substring(12).replace("\"", ""))
                .orElse(System.getProperty("os.name"));
        return new AgentPresence.Facts(hostname, os, System.getProperty("os.version"), addresses(),
                root.isReal() ? disks() : List.of());
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

    /** Block devices from sysfs; a disk is free when it has no partitions and no holders (LVM, RAID). */
    private static List<AgentPresence.Disk> disks() {
        List<AgentPresence.Disk> out = new ArrayList<>();
        Path sys = Path.of("/sys/block");
        if (!Files.isDirectory(sys)) {
            return out;
        }
        try (Stream<Path> devices = Files.list(sys)) {
            for (Path d : devices.sorted().toList()) {
                String name = d.getFileName().toString();
                if (name.startsWith("loop") || name.startsWith("ram") || name.startsWith("dm-")) {
                    continue;
                }
                long sectors = Files2.read(d.resolve("size")).map(String::strip).map(Long::parseLong).orElse(0L);
                String model = Files2.read(d.resolve("device/model")).map(String::strip).orElse("");
                String serial = Files2.read(d.resolve("serial")).map(String::strip).orElse("");
                boolean partitioned;
                boolean held;
                try (Stream<Path> children = Files.list(d); Stream<Path> holders = Files.list(d.resolve("holders"))) {
                    partitioned = children.anyMatch(c -> c.getFileName().toString().startsWith(name));
                    held = holders.findAny().isPresent();
                }
                out.add(new AgentPresence.Disk(name, sectors * 512, model, serial, !partitioned && !held));
            }
        } catch (IOException | RuntimeException e) {
            // facts are best effort
        }
        return out;
    }
}
