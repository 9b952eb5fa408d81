package io.labforge.devrig.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Orchestrators as processes of their own ({@code labforge server}, the product's command) on a
 * harness's database, Kafka and state directory, as machines of one deployment: launched, asked
 * through their API, killed with SIGKILL. Their logs stay in {@code target/<logs>/} for a failed run.
 */
final class ServerProcesses implements AutoCloseable {
    private final Harness h;
    private final Duration lease;
    private final String logs;
    final JdbcTemplate db;
    final Map<String, Process> processes = new LinkedHashMap<>();
    final Map<String, Integer> ports = new LinkedHashMap<>();

    private ServerProcesses(Harness h, Duration lease, String logs) {
        this.h = h;
        this.lease = lease;
        this.logs = logs;
        this.db = new JdbcTemplate(new DriverManagerDataSource(h.dbUrl, "postgres", "postgres"));
    }

    /**
     * A harness with a broker and database of its own (what killed owners leave unread on Kafka stays out
     * of other tests), its in-process orchestrator (which makes the tokens and registers the agents, and
     * hands over when stopped) and an agent per host; no process launched yet.
     */
    static ServerProcesses withAgents(Path dir, List<String> hosts, Duration lease, String logs) {
        Harness h = Harness.withOwnServers(dir);
        h.startOrchestrator("--labforge.lease=" + lease.toSeconds() + "s");
        hosts.forEach(h::startAgent);
        return new ServerProcesses(h, lease, logs);
    }

    Harness harness() {
        return h;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code labforge server} as {@code instance}; {@code jvmOptions}: more options for its JVM. */
    void launch(String instance, String... jvmOptions) {
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m"));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.labforge.orchestrator.cli.LabforgeCli", "server",
                "--port", Integer.toString(port), "--db-url", h.dbUrl, "--kafka", h.services.kafkaBootstrapServers(),
                "--state-dir", h.stateDir.toString(), "--instance", instance, "--labforge.lease=" + lease.toSeconds() + "s",
                "--labforge.tick=100ms"));
        Path log = Path.of("target", logs, instance + ".log");
        try {
            Files.createDirectories(log.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("LABFORGE_DB_USER", "postgres");
        pb.environment().put("LABFORGE_DB_PASSWORD", "postgres");
        try {
            processes.put(instance, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ports.put(instance, port);
    }

    /** Waits until every launched process answers on its API. */
    void awaitApis() {
        for (String o : processes.keySet()) {
            Awaitility.await(o + "'s API answers").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(() -> call(o, "GET", "/api/sagas?limit=1", null).statusCode() == 200);
        }
    }

    /** The instance holding a valid lease, or null. */
    String owner() {
        List<String> held = db.queryForList("SELECT holder FROM saga_owner WHERE lease_until > now()", String.class);
        return held.isEmpty() ? null : held.get(0);
    }

    /**
     * The launched process holding a valid lease, waited for: on a loaded machine an owner's renewal can
     * come a little after its lease ran out, and {@link #owner()} is then null for a moment.
     */
    String awaitOwner() {
        return Awaitility.await("a launched process owns the sagas").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(this::owner, o -> o != null && processes.containsKey(o));
    }

    /** SIGKILL, as a machine dies: no lease handed back. */
    void kill(String instance) throws InterruptedException {
        processes.get(instance).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    HttpResponse<String> call(String instance, String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(instance) + path))
                .header("Authorization", "Bearer " + h.operatorToken)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/yaml");
        }
        return h.send(b.build());
    }

    int succeeded(String saga) {
        return db.queryForObject("SELECT count(*) FROM step WHERE saga_id = ?::uuid AND state = 'SUCCEEDED'", Integer.class, saga);
    }

    /** Kills the processes, then stops the harness (its orchestrator, agents and servers). */
    @Override
    public void close() {
        processes.values().forEach(Process::destroyForcibly);
        h.close();
    }
}
