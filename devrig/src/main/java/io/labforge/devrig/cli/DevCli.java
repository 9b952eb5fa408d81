package io.labforge.devrig.cli;

import io.labforge.orchestrator.cli.LabforgeCli;
import picocli.CommandLine;

/**
 * {@code ./labforge} in a checkout: the product's command line plus what a user runs to try Labforge
 * on this machine: {@code demo} (the embedded default) and {@code lab up|down|reboot} (local lab hosts).
 */
public final class DevCli {
    private DevCli() {
    }

    public static void main(String[] args) {
        CommandLine cli = LabforgeCli.commandLine();
        cli.addSubcommand("demo", new DemoCommand());
        cli.addSubcommand("lab", new LabCommands.LabCmd());
        LabforgeCli.run(cli, args);
    }
}
