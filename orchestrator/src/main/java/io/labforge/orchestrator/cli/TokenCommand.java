package io.labforge.orchestrator.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/** {@code labforge token create|list|revoke}: the REST API's tokens (an admin's token is needed). */
@Command(name = "token", mixinStandardHelpOptions = true, description = "The REST API's tokens (needs an admin token).",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListCmd.class, TokenCommand.Revoke.class})
public class TokenCommand {

    @Command(name = "create", description = "Makes a token and prints it, this once: keep it where its user reads it (mode 600).")
    static class Create implements Callable<Integer> {
        @CommandLine.Mixin
        LabforgeCli.Remote remote;
        @Option(names = "--role", required = true, description = "viewer (reads), operator (also plans, applies, resumes, "
                + "compensates), admin (also manages tokens)")
        String role;
        @Option(names = "--name", required = true, description = "what the token is for, e.g. ci-runner; the audit log names its "
                + "holder token:NAME")
        String name;

        @Override
        public Integer call() {
            JsonNode t = remote.api().postJson("/api/tokens", new Request(name, role));
            LabforgeCli.OUT.println(t.get("token").asString());
            System.err.println("token " + t.get("name").asString() + " (" + t.get("role").asString() + "), id " + t.get("id").asString()
                    + ": shown this once; it is stored hashed");
            return 0;
        }

        record Request(String name, String role) {
        }
    }

    @Command(name = "list", description = "The tokens: id, name, role, who made it, when last used, whether revoked (never their values).")
    static class ListCmd implements Callable<Integer> {
        @CommandLine.Mixin
        LabforgeCli.Remote remote;

        @Override
        public Integer call() {
            JsonNode tokens = remote.api().get("/api/tokens");
            LabforgeCli.OUT.printf("%-16s %-20s %-8s %-22s %-20s %s%n", "ID", "NAME", "ROLE", "CREATED BY", "LAST USED", "REVOKED");
            for (JsonNode t : tokens) {
                LabforgeCli.OUT.printf("%-16s %-20s %-8s %-22s %-20s %s%n", t.get("id").asString(), t.get("name").asString(),
                        t.get("role").asString(), t.get("createdBy").asString(),
                        text(t.get("lastUsed")), t.get("revokedAt").isNull() ? "" : text(t.get("revokedAt")) + " by " + t.get("revokedBy").asString());
            }
            return 0;
        }

        private static String text(JsonNode at) {
            return at == null || at.isNull() ? "-" : at.asString().replace('T', ' ').replaceAll("\\.\\d+Z$", "Z");
        }
    }

    @Command(name = "revoke", description = "Revokes a token at once: every later request with it is refused.")
    static class Revoke implements Callable<Integer> {
        @CommandLine.Mixin
        LabforgeCli.Remote remote;
        @Parameters(paramLabel = "ID", description = "the token's id (labforge token list)")
        String id;

        @Override
        public Integer call() {
            remote.api().delete("/api/tokens/" + id);
            LabforgeCli.OUT.println("token " + id + " revoked");
            return 0;
        }
    }
}
