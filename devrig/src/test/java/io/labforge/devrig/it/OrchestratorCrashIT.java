package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labforge.common.id.LabId;
import io.labforge.common.lab.Lab.FailurePolicy;
import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.saga.Saga;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The owning orchestrator killed with SIGKILL mid-saga, as a machine dies: three orchestrator processes
 * (the product's {@code labforge server}) share PostgreSQL, Kafka and their state; the standby takes over
 * once the dead one's lease lapses, and the saga ends SUCCEEDED without a hand on it, every step run
 * once on its host, its success audited once, the log intact. The first owner (in this JVM) stops and
 * hands over; then the owner is killed twice in a row, at points chosen by a seed (printed: rerun with
 * {@code -Dlabforge.chaos.seed=…} to repeat a run).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(420)
class OrchestratorCrashIT {
    static final List<String> HOSTS = List.of("crash1", "crash2", "crash3");
    static final int STEPS = 10;
    static final Duration LEASE = Duration.ofSeconds(3);
    Harness h;
    ServerProcesses servers;
    JdbcTemplate db;

    @BeforeAll
    void start(@TempDir Path dir) {
        servers = ServerProcesses.withAgents(dir, HOSTS, LEASE, "orchestrator-crash-it");
        h = servers.harness();
        db = servers.db;
    }

    @AfterAll
    void stop() {
        servers.close();
    }

    @Test
    void theOwnerStoppedThenKilledTwiceInARowIsReplacedAndTheSagaFinishesWithEveryStepOnce() throws Exception {
        long seed = Long.getLong("labforge.chaos.seed", System.nanoTime());
        System.out.println("chaos seed: " + seed + " (rerun with -Dlabforge.chaos.seed=" + seed + ")");
        Random random = new Random(seed);
        List.of("orch-1", "orch-2", "orch-3").forEach(servers::launch);
        servers.awaitApis();
        String saga = h.coordinator().submitPlan(LabId.of("crash"), "generated", SagaResilienceIT.chains(HOSTS, "crash", STEPS, 1_000),
                FailurePolicy.PAUSE, Saga.Mode.APPLY, "it-test").toString();
        int total = HOSTS.size() * STEPS;
        await("the saga under way").atMost(Duration.ofSeconds(60)).until(() -> servers.succeeded(saga) >= 2);
        h.stopOrchestrator(); // hands its lease back: a process takes over at once
        servers.awaitOwner();

        List<Long> failovers = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            String victim = servers.awaitOwner();
            int done = servers.succeeded(saga);
            // somewhere in the first half of what is left: at once, or after some more steps
            int at = done + random.nextInt(Math.max(1, (total - done) / 2));
            await("saga reaches step " + at).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                    .until(() -> servers.succeeded(saga) >= at);
            servers.kill(victim); // SIGKILL: no lease handed back
            long killed = System.nanoTime();
            System.out.println("round " + round + ": killed " + victim + " with " + servers.succeeded(saga) + "/" + total + " steps done");
            await("a standby takes over").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> servers.owner() != null && !victim.equals(servers.owner()));
            failovers.add((System.nanoTime() - killed) / 1_000_000);
        }
        await("the saga finishes").atMost(Duration.ofSeconds(120))
                .until(() -> db.queryForObject("SELECT status FROM saga WHERE id = ?::uuid", String.class, saga).equals("SUCCEEDED"));
        System.out.println("failover after SIGKILL of the owner (lease " + LEASE.toSeconds() + " s): " + failovers + " ms");
        assertThat(failovers).allSatisfy(ms -> assertThat(ms).isLessThan(LEASE.toMillis() + 5_000));

        // every step ran once on its host, its success is audited once, nothing is left dispatched
        for (String step : db.queryForList("SELECT id FROM step WHERE saga_id = ?::uuid", String.class, saga)) {
            String host = step.substring(step.indexOf('@') + 1);
            assertThat(h.executions(host, step)).as(step + " ran once").isEqualTo(1);
        }
        List<Map<String, Object>> twice = db.queryForList("SELECT step_id, count(*) FROM audit_log WHERE saga_id = ?::uuid"
                + " AND action = 'step.succeeded' GROUP BY step_id HAVING count(*) <> 1", saga);
        assertThat(twice).as("successes audited more than once").isEmpty();
        assertThat(db.queryForObject("SELECT count(*) FROM audit_log WHERE saga_id = ?::uuid AND action = 'step.succeeded'",
                Integer.class, saga)).isEqualTo(total);
        String survivor = servers.awaitOwner();
        HttpResponse<String> verify = servers.call(survivor, "GET", "/api/audit/verify", null);
        assertThat(Json.read(verify.body()).get("ok").asBoolean()).as(verify.body()).isTrue();
    }
}
