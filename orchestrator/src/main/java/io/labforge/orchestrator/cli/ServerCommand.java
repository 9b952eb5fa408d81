package io.labforge.orchestrator.cli;

import io.labforge.orchestrator.OrchestratorApplication;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.boot.SpringApplication;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code labforge server}: the orchestrator as a long-running service. */
@Command(name = "server", description = "Runs the orchestrator against the PostgreSQL and Kafka of its configuration. "
        + "Options override the environment (LABFORGE_PORT, LABFORGE_BIND, LABFORGE_DB_URL, LABFORGE_DB_USER, LABFORGE_DB_PASSWORD, "
        + "LABFORGE_KAFKA); any other Spring setting may follow as --name=value (e.g. --labforge.tick=100ms).")
public final class ServerCommand implements Callable<Integer> {
    @Option(names = "--port", description = "the REST API's port (default: $LABFORGE_PORT or 8080)")
    Integer port;

    @Option(names = "--bind", description = "the address the API listens on (default: $LABFORGE_BIND or 127.0.0.1)")
    String bind;

    @Option(names = "--db-url", description = "PostgreSQL's JDBC URL (default: $LABFORGE_DB_URL); the password only from $LABFORGE_DB_PASSWORD")
    String dbUrl;

    @Option(names = "--kafka", description = "Kafka's bootstrap servers (default: $LABFORGE_KAFKA or localhost:9092)")
    String kafka;

    @Option(names = "--state-dir", description = "the orchestrator's keys, CA and admin token (default: ~/.labforge); "
            + "orchestrators sharing a database share it")
    Path stateDir;

    @Option(names = "--instance", description = "this orchestrator's name among those sharing a database (default: host name and pid)")
    String instance;

    @CommandLine.Unmatched
    List<String> springArgs = new ArrayList<>();

    /** What Spring is started with: the options as its settings, then the rest as given. */
    List<String> springArguments() {
        List<String> args = new ArrayList<>();
        if (port != null) {
            if (port < 0 || port > 65535) {
                throw new CliError("--port " + port + " is not a port: give 1-65535 (or 0 for any free one)");
            }
            args.add("--server.port=" + port);
        }
        add(args, "server.address", bind);
        add(args, "spring.datasource.url", dbUrl);
        add(args, "labforge.bootstrap-servers", kafka);
        add(args, "labforge.state-dir", stateDir == null ? null : stateDir.toAbsolutePath().toString());
        add(args, "labforge.instance", instance);
        for (String a : springArgs) {
            if (!a.startsWith("--") || !a.contains("=")) {
                throw new CliError("unknown argument '" + a + "': labforge server takes its options (see --help) and Spring settings as --name=value");
            }
            args.add(a);
        }
        return args;
    }

    private static void add(List<String> args, String name, String value) {
        if (value != null) {
            args.add("--" + name + "=" + value);
        }
    }

    @Override
    public Integer call() {
        SpringApplication.run(OrchestratorApplication.class, springArguments().toArray(String[]::new));
        return 0;
    }
}
