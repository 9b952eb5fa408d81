package io.labforge.orchestrator.cli;

import io.labforge.orchestrator.local.SecretStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code labforge secret set|list|rm}: the secrets a lab names ({@code rootPassword: {secret: NAME}}),
 * kept for the orchestrator of this machine in {@code <state dir>/secrets/} (mode 600). A value is read
 * from standard input, never from the command line (it would stay in the shell's history and in
 * {@code ps}), and never printed.
 */
@Command(name = "secret", mixinStandardHelpOptions = true, description = "The secrets labs name ({secret: NAME}), for this machine's orchestrator.",
        subcommands = {SecretCommand.Set.class, SecretCommand.ListCmd.class, SecretCommand.Remove.class})
public class SecretCommand {
    static InputStream in = System.in;

    abstract static class Store {
        @Option(names = "--state-dir", description = "the orchestrator's state directory (default ~/.labforge, as labforge server)")
        Path stateDir = Path.of(System.getProperty("user.home"), ".labforge");

        SecretStore store() {
            return new SecretStore(stateDir, System::getenv);
        }
    }

    @Command(name = "set", description = "Keeps a secret; its value is read from standard input (e.g. a file: < key.pem).")
    static class Set extends Store implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws IOException {
            if (System.console() != null && in == System.in) {
                LabforgeCli.OUT.println("value of " + name + " (end with Ctrl-D):");
            }
            try {
                Path f = store().write(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                LabforgeCli.OUT.println("secret " + name + " kept in " + f + " (mode 600)");
                return 0;
            } catch (IllegalArgumentException e) {
                throw new CliError(e.getMessage());
            }
        }
    }

    @Command(name = "list", description = "The names of the secrets kept (never their values).")
    static class ListCmd extends Store implements Callable<Integer> {
        @Override
        public Integer call() {
            store().names().forEach(LabforgeCli.OUT::println);
            return 0;
        }
    }

    @Command(name = "rm", description = "Forgets a secret.")
    static class Remove extends Store implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try {
                LabforgeCli.OUT.println(store().remove(name) ? "secret " + name + " removed" : "no secret " + name);
                return 0;
            } catch (IllegalArgumentException e) {
                throw new CliError(e.getMessage());
            }
        }
    }
}
