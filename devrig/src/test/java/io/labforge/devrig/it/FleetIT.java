package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labforge.common.messaging.Json;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Fleet mode: one agent JVM ({@code AgentApplication fleet DIR}) serving six directory hosts, each
 * registered with its own identity. All announce themselves, a lab on the six runs to SUCCEEDED, each
 * host's files changed in its own root and each command kept in its own host's journal; the process
 * stops cleanly on SIGTERM.
 */
@Timeout(300)
class FleetIT {
    static final int HOSTS = 6;

    @Test
    void oneProcessServesSixHostsEachWithItsOwnIdentityRootAndJournal(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness(dir)) {
            h.startOrchestrator();
            Path fleet = dir.resolve("fleet");
            Files.createDirectories(fleet);
            List<String> names = new ArrayList<>();
            StringBuilder lab = new StringBuilder("apiVersion: labforge/v1\nkind: Lab\nname: fleet\ndomain: fleet.test\nhosts:\n");
            for (int i = 1; i <= HOSTS; i++) {
                String host = "f" + i;
                names.add(host);
                Path state = dir.resolve("state").resolve(host);
                Path root = dir.resolve("hosts").resolve(host);
                Files.createDirectories(root.resolve("etc"));
                Files.writeString(root.resolve("etc/hostname"), "debian\n");
                Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n");
                h.enrol(state, host);
                Files.writeString(fleet.resolve(host + ".properties"), "labforge.agent.host-id=" + host + "\n"
                        + "labforge.agent.bootstrap-servers=" + h.services.kafkaBootstrapServers() + "\n"
                        + "labforge.agent.orchestrator-public-key=" + h.publicKey + "\n"
                        + "labforge.agent.orchestrator-sealing-key=" + h.sealingKey + "\n"
                        + "labforge.agent.root=" + root + "\nlabforge.agent.state-dir=" + state + "\nlabforge.agent.heartbeat=2s\n");
                lab.append("  - {name: ").append(host).append(", address: 10.81.0.").append(10 + i).append("}\n");
            }
            Path log = Path.of("target", "fleet-it", "fleet.log");
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), "io.labforge.agent.AgentApplication", "fleet", fleet.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                long t0 = System.nanoTime();
                await("the fleet's agents announce themselves").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> h.jdbc().queryForObject("SELECT count(*) FROM host WHERE announced_at IS NOT NULL AND lab_host LIKE 'f%'",
                                Integer.class) == HOSTS);
                System.out.printf("FleetIT: %d agents in one JVM announced %.1fs after its start%n", HOSTS, (System.nanoTime() - t0) / 1e9);

                HttpResponse<String> r = h.post("/api/sagas", lab.toString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                JsonNode saga = h.awaitFinal(Json.read(r.body()).get("id").asString(), Duration.ofSeconds(120));
                assertThat(saga.get("status").asString()).isEqualTo("SUCCEEDED");
                JsonNode hosts = Json.read(h.get("/api/hosts?" + String.join("&", names.stream().map(n -> "name=" + n).toList())).body());
                assertThat(hosts).extracting(x -> x.get("state").asString()).containsOnly("online");
                for (String host : names) {
                    assertThat(Files.readString(dir.resolve("hosts").resolve(host).resolve("etc/hostname")).strip()).isEqualTo(host);
                    assertThat(Files.readString(dir.resolve("hosts").resolve(host).resolve("etc/hosts"))).contains("10.81.0.11 f1.fleet.test f1");
                    // each host's commands in its own journal, and only its own
                    String journal = Files.readString(dir.resolve("state").resolve(host).resolve("journal.jsonl"));
                    assertThat(journal).contains("\"hostname\":\"" + host + "\"");
                    names.stream().filter(other -> !other.equals(host))
                            .forEach(other -> assertThat(journal).doesNotContain("\"hostname\":\"" + other + "\""));
                }
                // the audit log believes each result from the host it was sent to
                assertThat(h.jdbc().queryForObject("SELECT count(*) FROM audit_log WHERE action = 'step.succeeded' AND signer <> target",
                        Integer.class)).isZero();
            } finally {
                p.destroy(); // SIGTERM: every agent stops, side by side
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the fleet stops within 30 s").isTrue();
            }
        }
    }
}
