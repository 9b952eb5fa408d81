package io.labforge.orchestrator.labhosts;

import io.labforge.common.lab.Lab;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A lab's hosts as containers on the local Docker daemon — the way kind gives a local Kubernetes:
 * one container per host, systemd as PID 1, on a bridge network with the addresses the lab names,
 * ready for SSH with a key Labforge generates. The flags are the ones MACHINE.md records as working
 * where {@code --privileged} does not.
 */
public final class LocalLab {
    public static final String IMAGE = "labforge/lab-host:latest";

    /** A running host: its name, address and container. */
    public record Host(String name, String address, String container) {
    }

    private final Lab lab;
    private final Path stateDir;

    public LocalLab(Lab lab, Path labforgeHome) {
        this.lab = lab;
        this.stateDir = labforgeHome.resolve("labs").resolve(lab.name());
    }

    public static Optional<String> dockerUnavailable() {
        try {
            Cmd.Result r = Cmd.run(List.of("docker", "info", "--format", "{{.ServerVersion}}"), 30);
            if (!r.ok()) {
                return Optional.of("no Docker daemon answers (" + r.out().lines().findFirst().orElse("") + "): run lab-hosts/docker-up");
            }
        } catch (IllegalStateException e) {
            return Optional.of("the docker command is not installed");
        }
        if (!Cmd.run(List.of("docker", "image", "inspect", IMAGE), 30).ok()) {
            return Optional.of("the image " + IMAGE + " is missing: run lab-hosts/build-images");
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
        String subnet = subnet();
        ensureKey();
        if (!Cmd.run(List.of("docker", "network", "inspect", network()), 30).ok()) {
            Cmd.require(List.of("docker", "network", "create", "--subnet", subnet, "--gateway", gateway(), network()), 60);
        }
        String publicKey = read(privateKey().resolveSibling("id_ed25519.pub")).strip();
        List<Host> hosts = new ArrayList<>();
        for (Lab.Host h : lab.hosts()) {
            String name = container(h);
            Cmd.Result state = Cmd.run(List.of("docker", "inspect", "--format", "{{.State.Running}}", name), 30);
            if (state.ok() && state.out().equals("true")) {
                hosts.add(new Host(h.name(), h.address(), name));
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
            hosts.add(new Host(h.name(), h.address(), name));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Host h : hosts) {
            while (!sshAnswers(h.address())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(h.name() + " (" + h.address() + ") does not answer on SSH after "
                            + timeout.toSeconds() + "s: docker logs " + h.container());
                }
                sleep(300);
            }
        }
        return hosts;
    }

    /** Removes the hosts, their Docker volumes and the network. */
    public void down() {
        for (Lab.Host h : lab.hosts()) {
            Cmd.run(List.of("docker", "rm", "-f", "-v", container(h)), 120);
            Cmd.run(List.of("docker", "volume", "rm", "-f", container(h) + "-docker", container(h) + "-data"), 60);
        }
        Cmd.run(List.of("docker", "network", "rm", network()), 60);
    }

    /** Runs a command on a host as root, from an argv list, through {@code docker exec}. */
    public Cmd.Result exec(String host, String... argv) {
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

    static boolean sshAnswers(String address) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, 22), 1000);
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
