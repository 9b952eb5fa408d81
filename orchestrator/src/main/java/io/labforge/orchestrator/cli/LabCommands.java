package io.labforge.orchestrator.cli;

import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabParser;
import io.labforge.common.lab.LabValidationException;
import io.labforge.orchestrator.bootstrap.HostBootstrap;
import io.labforge.orchestrator.labhosts.LocalLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code labforge lab up|down} and {@code labforge hosts bootstrap}. */
final class LabCommands {
    private LabCommands() {
    }

    static Path home() {
        return Path.of(System.getProperty("user.home"), ".labforge");
    }

    static Lab lab(Path file) {
        try {
            return LabParser.parse(LabforgeCli.read(file), file.toString());
        } catch (LabValidationException e) {
            throw new Api.CliError(e.getMessage());
        }
    }

    @Command(name = "lab", mixinStandardHelpOptions = true, description = "Local lab hosts: containers on this machine's Docker daemon, or qemu VMs (kind: vm).",
            subcommands = {Up.class, Down.class, Reboot.class})
    static final class LabCmd {
    }

    @Command(name = "up", description = "Starts each host of the lab (a container, or a VM for kind: vm), ready for SSH.")
    static final class Up implements Callable<Integer> {
        @Parameters(paramLabel = "LAB.yaml")
        Path file;

        @Override
        public Integer call() {
            Lab lab = lab(file);
            LocalLab local = new LocalLab(lab, home());
            local.unavailable().ifPresent(r -> {
                throw new Api.CliError(r);
            });
            boolean vms = lab.hosts().stream().anyMatch(h -> h.kind() == Lab.Kind.VM);
            if (vms) {
                LabforgeCli.OUT.println("starting VMs: under TCG a VM takes about a minute to boot, several at once share the cores");
            }
            long t0 = System.nanoTime();
            List<LocalLab.Host> hosts = local.up(Duration.ofMinutes(vms ? 15 : 3));
            for (LocalLab.Host h : hosts) {
                LabforgeCli.OUT.printf("%-10s %-15s ssh -i %s%s root@%s%n", h.name(), h.address(), local.privateKey(),
                        h.sshPort() == 22 ? "" : " -p " + h.sshPort(), h.sshHost());
            }
            LabforgeCli.OUT.printf("%d hosts up in %.1fs%n", hosts.size(), (System.nanoTime() - t0) / 1e9);
            if (hosts.stream().anyMatch(h -> h.container() != null)) {
                LabforgeCli.OUT.printf("containers on network %s; Kafka for their agents: %s:<port>%n", local.network(), local.gateway());
            }
            if (vms) {
                LabforgeCli.OUT.println("VMs reach this machine through qemu's user network: give their agents Kafka at one of this"
                        + " machine's addresses (not 127.0.0.1)");
            }
            return 0;
        }
    }

    @Command(name = "reboot", description = "Restarts one host (a VM is powered off cleanly and started again, its disks kept); "
            + "its agent comes back by itself.")
    static final class Reboot implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "LAB.yaml")
        Path file;
        @Parameters(index = "1", paramLabel = "HOST")
        String host;

        @Override
        public Integer call() {
            LocalLab local = new LocalLab(lab(file), home());
            long t0 = System.nanoTime();
            try {
                local.reboot(host, Duration.ofMinutes(10));
            } catch (IllegalArgumentException e) {
                throw new Api.CliError(e.getMessage());
            }
            LabforgeCli.OUT.printf("%s rebooted; SSH answers again after %.1fs%n", host, (System.nanoTime() - t0) / 1e9);
            return 0;
        }
    }

    @Command(name = "down", description = "Removes the lab's containers, their volumes and network.")
    static final class Down implements Callable<Integer> {
        @Parameters(paramLabel = "LAB.yaml")
        Path file;

        @Override
        public Integer call() {
            Lab lab = lab(file);
            new LocalLab(lab, home()).down();
            lab.hosts().forEach(h -> HostBootstrap.forgetHostKey(home().resolve("known_hosts"), h.address()));
            LabforgeCli.OUT.println("lab " + lab.name() + " is down");
            return 0;
        }
    }

    @Command(name = "hosts", mixinStandardHelpOptions = true, description = "The lab's hosts.", subcommands = {Bootstrap.class})
    static final class HostsCmd {
    }

    @Command(name = "bootstrap", description = "Installs and starts the agent on every host of the lab, over SSH.")
    static final class Bootstrap implements Callable<Integer> {
        @Parameters(paramLabel = "LAB.yaml")
        Path file;
        @Option(names = "--kafka", required = true, description = "Kafka as the hosts reach it, e.g. 10.77.0.1:9092 (VMs: an address of this machine other than 127.0.0.1)")
        String kafka;
        @Option(names = "--key", description = "SSH private key (default: the local lab's key)")
        Path key;
        @Option(names = "--password-env", description = "name of an environment variable holding the SSH password")
        String passwordEnv;
        @Option(names = "--user", defaultValue = "root")
        String user;
        @Option(names = "--public-key", description = "the orchestrator's public key file (default ~/.labforge/orchestrator.pub)")
        Path publicKey;
        @Option(names = "--agent-jar", description = "default: agent/target/labforge-agent-exec.jar")
        Path agentJar;
        @Option(names = "--url", defaultValue = "${env:LABFORGE_URL:-http://localhost:8080}",
                description = "the orchestrator, to wait until each agent announces itself")
        String url;
        @Option(names = "--no-wait", description = "do not wait for the agents to announce themselves")
        boolean noWait;

        @Override
        public Integer call() throws Exception {
            Lab lab = lab(file);
            HostBootstrap.Login login;
            if (passwordEnv != null) {
                String pw = System.getenv(passwordEnv);
                if (pw == null) {
                    throw new Api.CliError("environment variable " + passwordEnv + " is not set");
                }
                login = new HostBootstrap.Login(user, null, pw.toCharArray());
            } else {
                login = new HostBootstrap.Login(user, key != null ? key : new LocalLab(lab, home()).privateKey(), null);
            }
            Path pub = publicKey != null ? publicKey : home().resolve("orchestrator.pub");
            Path jar = agentJar != null ? agentJar : Path.of("agent", "target", "labforge-agent-exec.jar");
            Path sealingPub = pub.resolveSibling("sealing.pub");
            String sealing = Files.exists(sealingPub) ? Files.readString(sealingPub) : null;
            if (sealing == null) {
                LabforgeCli.OUT.println("note: no " + sealingPub + ": the agents will refuse to report secret outputs");
            }
            HostBootstrap b = new HostBootstrap(jar, home().resolve("known_hosts"), login, kafka, Files.readString(pub), sealing);
            int failed = 0;
            java.time.Instant started = java.time.Instant.now();
            java.util.List<String> installed = new java.util.ArrayList<>();
            // VMs of a local lab answer SSH on a forwarded port of 127.0.0.1; every other host on its address
            List<HostBootstrap.Target> targets = new LocalLab(lab, home()).hosts().stream()
                    .map(h -> new HostBootstrap.Target(h.name(), h.sshHost(), h.sshPort())).toList();
            for (HostBootstrap.Outcome o : b.allTargets(targets)) {
                LabforgeCli.OUT.printf("%-10s %-15s %s %s%n", o.host(), o.address(), o.ok() ? (o.changed() ? "installed" : "ok") : "FAILED",
                        o.detail());
                failed += o.ok() ? 0 : 1;
                if (o.ok()) {
                    installed.add(o.host());
                }
            }
            if (!noWait && !installed.isEmpty()) {
                failed += awaitAnnouncements(new Api(url), installed, started);
            }
            return failed == 0 ? 0 : 1;
        }

        /** Waits (up to two minutes) until each agent has announced itself since {@code since}. */
        static int awaitAnnouncements(Api api, java.util.List<String> hosts, java.time.Instant since) throws InterruptedException {
            String query = String.join("&", hosts.stream().map(h -> "name=" + h).toList());
            long deadline = System.currentTimeMillis() + 120_000;
            java.util.Set<String> seen = new java.util.HashSet<>();
            while (System.currentTimeMillis() < deadline) {
                for (var row : api.get("/api/hosts?" + query)) {
                    var at = row.path("lastSeen");
                    if (at.isString() && !java.time.Instant.parse(at.asString()).isBefore(since.minusSeconds(1))
                            && seen.add(row.get("name").asString())) {
                        LabforgeCli.OUT.println(row.get("name").asString() + ": agent announced itself");
                    }
                }
                if (seen.size() == hosts.size()) {
                    return 0;
                }
                Thread.sleep(500);
            }
            hosts.stream().filter(h -> !seen.contains(h)).forEach(h -> LabforgeCli.OUT.println(h
                    + ": the agent did not announce itself within 120s: journalctl -u labforge-agent on the host"));
            return hosts.size() - seen.size();
        }
    }
}
