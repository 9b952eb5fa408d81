package io.labforge.orchestrator.cli;

import io.labforge.common.messaging.Json;
import io.labforge.common.worker.Registration;
import io.labforge.common.worker.WorkerIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * {@code labforge workers enrol|list}: the identities of the workers whose messages the orchestrator
 * believes. Hosts are registered by {@code hosts bootstrap}; a service (cluster-service, gitlab-service)
 * by enrolling the {@code identity.json} it wrote in its state directory at its first start.
 */
@Command(name = "workers", mixinStandardHelpOptions = true, description = "The identities of agents and services the orchestrator trusts.",
        subcommands = {WorkersCommand.Enrol.class, WorkersCommand.ListCmd.class})
public class WorkersCommand {
    static InputStream in = System.in;

    @Command(name = "enrol", description = "Registers a worker's identity (its identity.json; - reads standard input). Needs an admin token.")
    static class Enrol implements Callable<Integer> {
        @CommandLine.Mixin
        LabforgeCli.Remote remote;
        @Parameters(paramLabel = "IDENTITY.json", description = "e.g. /var/lib/labforge-gitlab/identity.json, or - for standard input")
        String file;
        @Option(names = "--install", paramLabel = "DIR", description = "where to write the worker's bus certificate (bus.crt, bus-ca.crt): "
                + "its state directory (default: the identity file's directory)")
        Path install;

        @Override
        public Integer call() throws IOException {
            boolean stdin = file.equals("-");
            String text = stdin ? new String(in.readAllBytes(), StandardCharsets.UTF_8) : LabforgeCli.read(Path.of(file));
            WorkerIdentity id;
            try {
                id = WorkerIdentity.parse(text);
            } catch (IllegalArgumentException e) {
                throw new CliError((stdin ? "standard input" : file) + ": " + e.getMessage());
            }
            Path dir = install != null ? install : stdin ? null : Path.of(file).toAbsolutePath().getParent();
            if (dir == null) {
                throw new CliError("reading standard input: say where the bus certificate goes with --install DIR");
            }
            JsonNode r = remote.api().putJson("/api/workers/" + id.worker(), id.toJson());
            Registration reg = Json.MAPPER.treeToValue(r, Registration.class);
            reg.install(dir);
            LabforgeCli.OUT.println(id.worker() + ": identity " + id.fingerprint() + " " + reg.change() + "; on Kafka as " + reg.busPrincipal()
                    + ", its certificate written to " + dir.resolve(WorkerIdentity.BUS_CERTIFICATE));
            return 0;
        }
    }

    @Command(name = "list", description = "The registered workers: name, key fingerprint, when and by whom registered.")
    static class ListCmd implements Callable<Integer> {
        @CommandLine.Mixin
        LabforgeCli.Remote remote;

        @Override
        public Integer call() {
            JsonNode rows = remote.api().get("/api/workers");
            LabforgeCli.OUT.printf("%-20s %-24s %-22s %s%n", "WORKER", "FINGERPRINT", "REGISTERED BY", "AT");
            for (JsonNode w : rows) {
                LabforgeCli.OUT.printf("%-20s %-24s %-22s %s%n", w.get("worker").asString(), w.get("fingerprint").asString(),
                        w.get("registeredBy").asString(), w.get("registeredAt").asString());
            }
            return 0;
        }
    }
}
