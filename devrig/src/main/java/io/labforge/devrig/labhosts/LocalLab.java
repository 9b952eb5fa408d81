package io.labforge.devrig.labhosts;

import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.swarm.SwarmSpec;
import io.labforge.orchestrator.bootstrap.HostBootstrap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A lab's hosts as containers on the local Docker daemon — the way kind gives a local Kubernetes:
 * one container per host, systemd as PID 1, on a bridge network with the addresses the lab names,
 * ready for SSH with a key Labforge generates. The flags are the ones MACHINE.md records as working
 * where {@code --privileged} does not.
 */
public final class LocalLab {
    public static final String IMAGE = "labforge/lab-host:latest";

    /**
     * A running host: its name, its address in the lab, its container (null for a VM) and where SSH
     * answers from this machine (a container: its address, port 22; a VM: 127.0.0.1 and a forwarded port).
     */
    public record Host(String name, String address, String container, String sshHost, int sshPort) {
        /** What {@code ssh} needs: {@code address} or {@code [127.0.0.1]:port}, as known_hosts writes it. */
        public String sshTarget() {
            return sshPort == 22 ? sshHost : sshHost + ":" + sshPort;
        }
    }

    private final Lab lab;
    private final Path home;
    private final Path stateDir;

    public LocalLab(Lab lab, Path labforgeHome) {
        this.lab = lab;
        this.home = labforgeHome;
        this.stateDir = labforgeHome.resolve("labs").resolve(lab.name());
    }

    public static Optional<String> dockerUnavailable() {
        try {
            Cmd.Result r = Cmd.run(List.of("docker", "info", "--format", "{{.ServerVersion}}"), 30);
            if (!r.ok()) {
                return Optional.of("no Docker daemon answers (" + r.out().lines().findFirst().orElse("") + "): run lab-hosts/docker-up"
                        + (ProcessRunner.onPath("dockerd") ? "" : " (after apt-get install docker.io debootstrap: dockerd is not installed)")
                        + ", then lab-hosts/build-images");
            }
        } catch (IllegalStateException e) {
            return Optional.of("Docker is not installed: apt-get install docker.io debootstrap, then lab-hosts/docker-up and"
                    + " lab-hosts/build-images (about two minutes, once)");
        }
        if (!Cmd.run(List.of("docker", "image", "inspect", IMAGE), 30).ok()) {
            return Optional.of("the image " + IMAGE + " is missing: run lab-hosts/build-images (about two minutes, once; it needs debootstrap)");
        }
        return Optional.empty();
    }

    public String network() {
        return "labforge-" + lab.name();
    }

    public String container(Lab.Host h) {
        return "labforge-" + lab.name() + "-" + h.name();
    }

    public Path privateKey() {
        return stateDir.resolve("id_ed25519");
    }

    /** The /24 of the hosts' addresses; every host of a local lab must be in it. */
    public String subnet() {
        String first = lab.hosts().get(0).address();
        String prefix = first.substring(0, first.lastIndexOf('.'));
        for (Lab.Host h : lab.hosts()) {
            if (!h.address().startsWith(prefix + ".") || h.address().contains(":")) {
                throw new IllegalArgumentException("a local lab needs its hosts' IPv4 addresses in one /24: " + h.name()
                        + " (" + h.address() + ") is not in " + prefix + ".0/24");
            }
            if (h.address().endsWith(".1")) {
                throw new IllegalArgumentException(h.name() + " has " + h.address() + ", the bridge's gateway: pick another");
            }
        }
        return prefix + ".0/24";
    }

    /** The host machine's address on the lab network, where lab hosts reach Kafka. */
    public String gateway() {
        String s = subnet();
        return s.substring(0, s.lastIndexOf('.')) + ".1";
    }

    /** Creates the network and starts every host; waits until each answers on SSH. Idempotent. */
    public List<Host> up(Duration timeout) {
        ensureKey();
        if (!containerHosts().isEmpty() && !Cmd.run(List.of("docker", "network", "inspect", network()), 30).ok()) {
            Cmd.require(List.of("docker", "network", "create", "--subnet", subnet(), "--gateway", gateway(), network()), 60);
        }
        String publicKey = publicKey();
        List<Host> hosts = new ArrayList<>();
        for (Lab.Host h : containerHosts()) {
            String name = container(h);
            Cmd.Result state = Cmd.run(List.of("docker", "inspect", "--format", "{{.State.Running}}", name), 30);
            if (state.ok() && state.out().equals("true")) {
                hosts.add(new Host(h.name(), h.address(), name, h.address(), 22));
                continue;
            }
            if (state.ok()) {
                Cmd.require(List.of("docker", "start", name), 60);
            } else {
                List<String> argv = new ArrayList<>(List.of("docker", "run", "-d", "--name", name, "--hostname", h.name(),
                        "--network", network(), "--ip", h.address(),
                        "--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE",
                        "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
                        "--security-opt", "systempaths=unconfined", "--device-cgroup-rule", "a *:* rwm",
                        "--tmpfs", "/run", "--tmpfs", "/run/lock", "--tmpfs", "/tmp",
                        // Docker-in-Docker needs a real filesystem under /var/lib/docker for overlay2
                        "-v", name + "-docker:/var/lib/docker", "-v", name + "-data:/data",
                        "--label", "io.labforge.lab=" + lab.name(),
                        "-e", "container=docker", "-e", "LABFORGE_AUTHORIZED_KEY=" + publicKey, IMAGE));
                Cmd.require(argv, 120);
            }
            hosts.add(new Host(h.name(), h.address(), name, h.address(), 22));
        }
        hosts.addAll(startVms());
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Host h : hosts) {
            awaitSsh(h, deadline, timeout);
        }
        if (SwarmSpec.of(lab) != null) {
            seed(hosts);
        }
        return hosts;
    }

    /** Where the saved seed images are kept: beside the other build caches, or under Labforge's home. */
    private Path seedCache() {
        Path shared = Path.of("/var/cache/labforge/seed");
        try {
            Files.createDirectories(shared);
            if (Files.isWritable(shared)) {
                return shared;
            }
        } catch (IOException e) {
            // not ours to write: the home will do
        }
        return home.resolve("seed");
    }

    /**
     * Loads the seed images ({@code lab-hosts/build-images}: python, redis, nginx, prometheus from
     * Debian) into each container host's Docker — what a real VM would pull from Docker Hub, which
     * cannot be reached here. The images are saved once to a cache file keyed by their ids; a host
     * that has them already is skipped.
     */
    static final String BASE_IMAGE = "debian:bookworm";

    private void seed(List<Host> hosts) {
        List<String> tags = new ArrayList<>(Cmd.require(List.of("docker", "images", "--filter", "label=io.labforge.seed=true", "--format",
                "{{.Repository}}:{{.Tag}}"), 60).lines().filter(t -> !t.startsWith("labforge/seed-") && !t.contains("<none>")).toList());
        // their base, the Debian image lab-hosts/build-images makes with debootstrap (jobs of the seeded
        // projects run in it; its layers are the seeds' first, so it costs a tag)
        if (Cmd.run(List.of("docker", "image", "inspect", BASE_IMAGE), 30).ok()) {
            tags.add(BASE_IMAGE);
        }
        tags.sort(null);
        List<Host> containers = hosts.stream().filter(h -> h.container() != null).toList();
        if (tags.isEmpty() || containers.isEmpty()) {
            return;
        }
        List<String> inspect = new ArrayList<>(List.of("docker", "image", "inspect", "--format", "{{.Id}}"));
        inspect.addAll(tags);
        String ids = Cmd.require(inspect, 60);
        Path tar = seedCache().resolve(Integer.toHexString((String.join(",", tags) + ids).hashCode()) + ".tar");
        if (!Files.exists(tar)) {
            try {
                Files.createDirectories(tar.getParent());
                Path partial = tar.resolveSibling(tar.getFileName() + ".partial");
                List<String> save = new ArrayList<>(List.of("docker", "save", "-o", partial.toString()));
                save.addAll(tags);
                Cmd.require(save, 600);
                Files.move(partial, tar, StandardCopyOption.REPLACE_EXISTING);
                // the images of an earlier recipe are of no further use
                try (var old = Files.list(tar.getParent())) {
                    for (Path p : old.filter(p -> !p.equals(tar) && p.getFileName().toString().endsWith(".tar")).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        containers.parallelStream().forEach(h -> {
            long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!Cmd.run(List.of("docker", "exec", h.container(), "docker", "info"), 30).ok()) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("Docker does not answer in " + h.name() + ": docker exec " + h.container()
                            + " journalctl -u docker");
                }
                sleep(500);
            }
            List<String> have = new ArrayList<>(List.of("docker", "exec", h.container(), "docker", "image", "inspect", "--format", "{{.Id}}"));
            have.addAll(tags);
            Cmd.Result r = Cmd.run(have, 60);
            if (r.ok() && r.out().equals(ids)) {
                return;
            }
            System.out.println("loading " + tags + " into " + h.name() + " (in place of Docker Hub) …");
            Cmd.require(List.of("docker", "exec", "-i", h.container(), "docker", "load", "-q"), tar, 600);
        });
    }

    private void awaitSsh(Host h, long deadline, Duration timeout) {
        while (!sshAnswers(h.sshHost(), h.sshPort())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(h.name() + " (" + h.sshTarget() + ") does not answer on SSH after "
                        + timeout.toSeconds() + "s: " + (h.container() != null ? "docker logs " + h.container()
                                : "see " + vm(lab.hosts().stream().filter(x -> x.name().equals(h.name())).findFirst().orElseThrow()).consoleLog()));
            }
            sleep(500);
        }
    }

    private List<Lab.Host> containerHosts() {
        return lab.hosts().stream().filter(h -> h.kind() == Lab.Kind.CONTAINER).toList();
    }

    private List<Lab.Host> vmHosts() {
        return lab.hosts().stream().filter(h -> h.kind() == Lab.Kind.VM).toList();
    }

    /** Why this lab's hosts cannot be started here, if they cannot. */
    public Optional<String> unavailable() {
        if (!containerHosts().isEmpty()) {
            Optional<String> d = dockerUnavailable();
            if (d.isPresent()) {
                return d;
            }
        }
        return vmHosts().isEmpty() ? Optional.empty() : QemuVm.unavailable();
    }

    public QemuVm vm(Lab.Host h) {
        return new QemuVm(h, stateDir);
    }

    private List<Host> startVms() {
        if (vmHosts().isEmpty()) {
            return List.of();
        }
        Path image = VmImage.buildOrLocate();
        String accel = VmImage.accel(image, home.resolve("vm-accel"));
        List<Host> out = new ArrayList<>();
        for (Lab.Host h : vmHosts()) {
            QemuVm vm = new QemuVm(h, stateDir);
            vm.start(image, publicKey(), accel);
            out.add(new Host(h.name(), h.address(), null, "127.0.0.1", vm.sshPort()));
        }
        return out;
    }

    /**
     * The hosts as they are reached from here (without starting anything): a VM this machine runs on
     * its forwarded port; any other host (a container, or a VM elsewhere, such as the reference lab's)
     * on its address, port 22.
     */
    public List<Host> hosts() {
        List<Host> out = new ArrayList<>();
        for (Lab.Host h : lab.hosts()) {
            QemuVm vm = h.kind() == Lab.Kind.VM ? vm(h) : null;
            out.add(vm != null && vm.running() ? new Host(h.name(), h.address(), null, "127.0.0.1", vm.sshPort())
                    : new Host(h.name(), h.address(), h.kind() == Lab.Kind.CONTAINER ? container(h) : null, h.address(), 22));
        }
        return out;
    }

    /**
     * Restarts one host: a VM is powered off cleanly and started again (its disks kept), a container
     * restarted. Returns when SSH answers again; the agent comes back by itself (a systemd unit).
     */
    public void reboot(String host, Duration timeout) {
        Lab.Host h = lab.hosts().stream().filter(x -> x.name().equals(host)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the lab has no host " + host));
        long deadline = System.nanoTime() + timeout.toNanos();
        if (h.kind() == Lab.Kind.VM) {
            closeShell(host);
            Path image = VmImage.buildOrLocate();
            vm(h).reboot(image, publicKey(), VmImage.accel(image, home.resolve("vm-accel")), Duration.ofMinutes(3));
        } else {
            Cmd.require(List.of("docker", "restart", container(h)), 180);
        }
        awaitSsh(hosts().stream().filter(x -> x.name().equals(host)).findFirst().orElseThrow(), deadline, timeout);
    }

    private final Map<String, VmShell> shells = new ConcurrentHashMap<>();

    /** Closes the SSH session kept for a VM's commands; the next command opens a new one (after the VM restarted elsewhere). */
    public void closeShell(String host) {
        VmShell s = shells.remove(host);
        if (s != null) {
            s.close();
        }
    }

    private String publicKey() {
        return read(privateKey().resolveSibling("id_ed25519.pub")).strip();
    }

    /** Removes the hosts, their Docker volumes and the network; VMs are stopped and their disks deleted. */
    public void down() {
        for (Lab.Host h : vmHosts()) {
            closeShell(h.name());
            QemuVm vm = vm(h);
            // a VM made again gets new host keys: forget the old ones with it
            HostBootstrap.forgetHostKey(home.resolve("known_hosts"), "[127.0.0.1]:" + vm.sshPort());
            vm.delete();
        }
        if (containerHosts().isEmpty()) {
            return;
        }
        for (Lab.Host h : containerHosts()) {
            Cmd.run(List.of("docker", "rm", "-f", "-v", container(h)), 120);
            Cmd.run(List.of("docker", "volume", "rm", "-f", container(h) + "-docker", container(h) + "-data"), 60);
        }
        Cmd.run(List.of("docker", "network", "rm", network()), 60);
    }

    /** Runs a command on a host as root, from an argv list, through {@code docker exec}. */
    public Cmd.Result exec(String host, String... argv) {
        Lab.Host h = lab.hosts().stream().filter(x -> x.name().equals(host)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the lab has no host " + host));
        if (h.kind() == Lab.Kind.VM) {
            VmShell shell = shells.computeIfAbsent(host, k -> new VmShell("127.0.0.1", vm(h).sshPort(), privateKey(),
                    home.resolve("known_hosts")));
            return shell.exec(List.of(argv), 600);
        }
        List<String> all = new ArrayList<>(List.of("docker", "exec", "labforge-" + lab.name() + "-" + host));
        all.addAll(List.of(argv));
        return Cmd.run(all, 120);
    }

    private void ensureKey() {
        if (Files.exists(privateKey())) {
            return;
        }
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Cmd.require(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "labforge@" + lab.name(), "-f",
                privateKey().toString()), 30);
    }

    static boolean sshAnswers(String address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 1000);
            s.setSoTimeout(5000);
            return s.getInputStream().read() == 'S'; // "SSH-2.0-…"
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
