package io.labforge.devrig.cli;

import io.labforge.common.lab.Lab;
import io.labforge.devrig.labhosts.LocalLab;
import io.labforge.orchestrator.bootstrap.HostBootstrap;
import io.labforge.orchestrator.cli.CliError;
import io.labforge.orchestrator.cli.LabforgeCli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code labforge lab up|down|reboot}: local lab hosts, containers on this machine's Docker daemon or qemu VMs. */
final class LabCommands {
    private LabCommands() {
    }

    @Command(name = "lab", mixinStandardHelpOptions = true, description = "Local lab hosts: containers on this machine's Docker daemon, or qemu VMs (kind: vm).",
            subcommands = {Up.class, Down.class, Reboot.class})
    public static final class LabCmd {
    }

    @Command(name = "up", description = "Starts each host of the lab (a container, or a VM for kind: vm), ready for SSH.")
    static final class Up implements Callable<Integer> {
        @Parameters(paramLabel = "LAB.yaml")
        Path file;

        @Override
        public Integer call() {
            Lab lab = LabforgeCli.lab(file);
            LocalLab local = new LocalLab(lab, LabforgeCli.home());
            local.unavailable().ifPresent(r -> {
                throw new CliError(r);
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
            LocalLab local = new LocalLab(LabforgeCli.lab(file), LabforgeCli.home());
            long t0 = System.nanoTime();
            try {
                local.reboot(host, Duration.ofMinutes(10));
            } catch (IllegalArgumentException e) {
                throw new CliError(e.getMessage());
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
            Lab lab = LabforgeCli.lab(file);
            new LocalLab(lab, LabforgeCli.home()).down();
            lab.hosts().forEach(h -> HostBootstrap.forgetHostKey(LabforgeCli.home().resolve("known_hosts"), h.address()));
            LabforgeCli.OUT.println("lab " + lab.name() + " is down");
            return 0;
        }
    }

}
