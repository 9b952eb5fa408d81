package io.labforge.devrig.labhosts;

import io.labforge.common.lab.Lab;
import io.labforge.common.lab.disk.DiskSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A lab host as a qemu VM (../shared/MACHINE.md, "VMs"): a copy-on-write overlay of the image
 * {@code lab-hosts/build-vm-image} makes, one sparse qcow2 per disk the lab declares (attached in
 * order after the root disk: /dev/vdb, /dev/vdc, …, each with a serial), user-mode networking with
 * SSH forwarded to a port of 127.0.0.1, the login key and host name on the kernel command line. KVM
 * when it really boots a kernel here, TCG otherwise. Its files live in {@code <lab state>/vms/<host>}.
 */
public final class QemuVm {
    static final String QEMU = "qemu-system-x86_64";

    private final Lab.Host host;
    private final Path dir;

    QemuVm(Lab.Host host, Path labState) {
        this.host = host;
        this.dir = labState.resolve("vms").resolve(host.name());
    }

    /** Why VMs cannot run here, if they cannot. */
    public static Optional<String> unavailable() {
        for (String tool : List.of(QEMU, "qemu-img")) {
            try {
                Cmd.run(List.of(tool, "--version"), 30);
            } catch (IllegalStateException e) {
                return Optional.of(tool + " is not installed (apt-get install qemu-system-x86 qemu-utils)");
            }
        }
        return VmImage.locate().isPresent() ? Optional.empty()
                : Optional.of("the VM image is not built: run lab-hosts/build-vm-image (or set LABFORGE_VM_IMAGE)");
    }

    /**
     * An IPv4 address of this machine other than loopback: VMs on qemu's user network reach it (their
     * 10.0.2.2 is this machine's loopback, which Kafka's advertised address must not be).
     */
    public static String addressForVms() {
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nif.isLoopback() || !nif.isUp()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list this machine's addresses", e);
        }
        throw new IllegalStateException("this machine has no IPv4 address besides loopback: VMs could not reach Kafka");
    }

    public boolean running() {
        return pid().map(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)).orElse(false);
    }

    /** The forwarded SSH port on 127.0.0.1 (chosen at the first start, then kept). */
    public int sshPort() {
        Path f = dir.resolve("ssh-port");
        try {
            if (Files.exists(f)) {
                return Integer.parseInt(Files.readString(f).strip());
            }
            Files.createDirectories(dir);
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Files.writeString(f, Integer.toString(port));
            return port;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the VM from {@code image} (creating its disks the first time); returns at once, before it has booted. */
    public void start(Path image, String publicKey, String accel) {
        if (running()) {
            return;
        }
        try {
            Files.createDirectories(dir);
            Path root = dir.resolve("root.qcow2");
            if (!Files.exists(root)) {
                Cmd.require(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-b", image.resolve("base.qcow2").toString(),
                        "-F", "qcow2", root.toString()), 60);
            }
            List<String> argv = new ArrayList<>(List.of(QEMU, "-name", host.name()));
            argv.addAll(accel.equals("kvm") ? List.of("-accel", "kvm", "-cpu", "host", "-smp", "2")
                    : List.of("-accel", "tcg,tb-size=256", "-smp", "1"));
            argv.addAll(List.of("-m", "1536", "-kernel", image.resolve("vmlinuz").toString(), "-initrd",
                    image.resolve("initrd.img").toString(), "-append",
                    "root=LABEL=labforge-root rw console=ttyS0 quiet mitigations=off labforge.hostname=" + host.name()
                            + " labforge.key=" + Base64.getEncoder().encodeToString(publicKey.strip().getBytes(StandardCharsets.UTF_8)),
                    // fixed PCI slots: the root disk enumerates first (vda), the lab's disks after it in order
                    "-drive", "file=" + root + ",if=none,id=root,format=qcow2,cache=unsafe",
                    "-device", "virtio-blk-pci,drive=root,addr=0x5"));
            int i = 0;
            for (DiskSpec d : DiskSpec.of(host)) {
                i++;
                Path disk = dir.resolve("disk" + i + ".qcow2");
                if (!Files.exists(disk)) {
                    long bytes = d.size() != null ? d.size().bytes() : 30L << 30;
                    Cmd.require(List.of("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), Long.toString(bytes)), 60);
                }
                argv.addAll(List.of("-drive", "file=" + disk + ",if=none,id=d" + i + ",format=qcow2", "-device",
                        "virtio-blk-pci,drive=d" + i + ",serial=" + serial(d, i) + ",addr=0x" + Integer.toHexString(5 + i)));
            }
            argv.addAll(List.of("-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:" + sshPort() + "-:22", "-device",
                    "virtio-net-pci,netdev=n0,addr=0x3", "-display", "none", "-serial", "file:" + dir.resolve("console.log"),
                    "-monitor", "unix:" + monitor() + ",server,nowait", "-pidfile", dir.resolve("qemu.pid").toString(),
                    "-daemonize"));
            Files.deleteIfExists(monitor());
            Cmd.require(argv, 120);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The serial a VM disk shows in lsblk: the lab's, or {@code labforge-<vg>}. */
    static String serial(DiskSpec d, int index) {
        return d.serial() != null ? d.serial() : d.volumeGroup() != null ? "labforge-" + d.volumeGroup() : "labforge-disk" + index;
    }

    /**
     * Reboots: an ACPI power-off (the guest shuts down cleanly), then a fresh start of qemu with the
     * same disks; a guest that has not stopped after {@code grace} is stopped hard.
     */
    public void reboot(Path image, String publicKey, String accel, Duration grace) {
        if (running()) {
            monitorCommand("system_powerdown");
            long deadline = System.nanoTime() + grace.toNanos();
            while (running() && System.nanoTime() < deadline) {
                sleep(500);
            }
            if (running()) {
                kill();
            }
        }
        start(image, publicKey, accel);
    }

    /** Stops qemu at once (a pulled plug). */
    public void kill() {
        pid().flatMap(ProcessHandle::of).ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        });
    }

    /** Stops the VM and deletes its disks. */
    public void delete() {
        kill();
        if (Files.isDirectory(dir)) {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public Path consoleLog() {
        return dir.resolve("console.log");
    }

    private Path monitor() {
        return dir.resolve("monitor.sock");
    }

    private Optional<Long> pid() {
        try {
            Path f = dir.resolve("qemu.pid");
            return Files.exists(f) ? Optional.of(Long.parseLong(Files.readString(f).strip())) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Sends one line to qemu's human monitor (a UNIX socket). */
    void monitorCommand(String command) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(monitor()));
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            sleep(300); // let qemu read it before the socket closes
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach the qemu monitor of " + host.name() + " (" + monitor() + "): " + e.getMessage(), e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
