package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.messaging.Json;
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
            List<String> names = new ArrayList<>();
            StringBuilder lab = new StringBuilder("apiVersion: labforge/v1\nkind: Lab\nname: fleet\ndomain: fleet.test\nhosts:\n");
            for (int i = 1; i <= HOSTS; i++) {
                names.add("f" + i);
                lab.append("  - {name: f").append(i).append(", address: 10.81.0.").append(10 + i).append("}\n");
            }
            long t0 = System.nanoTime();
            Process p = h.startFleet(dir, names, Path.of("target", "fleet-it", "fleet.log"));
            try {
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
