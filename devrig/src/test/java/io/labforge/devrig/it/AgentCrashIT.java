package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labforge.common.id.LabId;
import io.labforge.common.id.SagaId;
import io.labforge.common.lab.Lab.FailurePolicy;
import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.saga.Saga;
import io.labforge.orchestrator.saga.SagaStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent killed with SIGKILL in the middle of a step, twice, as a VM that loses power: its process
 * started again (as systemd would), the saga finishes without a hand on it. The step it was running
 * when killed runs again (it had not reached the journal: the documented at-least-once case); every
 * command is in the host's journal once and every step's success in the audit log once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class AgentCrashIT {
    static final String HOST = "crash-agent";
    static final int STEPS = 8;
    Harness h;
    Process agent;
    Path state;
    Path root;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        h = new Harness(dir);
        h.startOrchestrator();
        state = dir.resolve("agent-process-state");
        root = dir.resolve("agent-process-root");
        Files.createDirectories(root.resolve("etc"));
        h.enrol(state, HOST);
    }

    @AfterAll
    void stop() {
        if (agent != null) {
            agent.destroyForcibly();
        }
        h.close();
    }

    /** The agent as its own JVM, as the systemd unit runs it. */
    void launch() {
        agent = h.launchAgentProcess(HOST, root, state, Path.of("target", "agent-crash-it", "agent.log"));
    }

    int succeeded(SagaId id) {
        return h.jdbc().queryForObject("SELECT count(*) FROM step WHERE saga_id = ? AND state = 'SUCCEEDED'", Integer.class, id.value());
    }

    /** A step the agent has started and not finished (its "started" audited, no end yet). */
    boolean midStep(SagaId id) {
        return h.jdbc().queryForObject("SELECT count(*) FROM step WHERE saga_id = ? AND state = 'RUNNING'", Integer.class, id.value()) > 0;
    }

    @Test
    void anAgentKilledMidStepTwiceIsBackAndTheSagaFinishes() throws Exception {
        long seed = Long.getLong("labforge.chaos.seed", System.nanoTime());
        System.out.println("chaos seed: " + seed + " (rerun with -Dlabforge.chaos.seed=" + seed + ")");
        Random random = new Random(seed);
        launch();
        SagaId id = h.coordinator().submitPlan(LabId.of("agent-crash"), "generated", SagaResilienceIT.chains(List.of(HOST), "k", STEPS, 2_500),
                FailurePolicy.PAUSE, Saga.Mode.APPLY, "it-test");
        for (int round = 0; round < 2; round++) {
            int after = succeeded(id) + random.nextInt(2);
            await("the agent mid-step").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                    .until(() -> succeeded(id) >= after && midStep(id));
            Thread.sleep(random.nextInt(1_500)); // somewhere inside the step's 2.5 s
            agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            int before = succeeded(id);
            System.out.println("round " + round + ": killed the agent with " + before + "/" + STEPS + " steps done");
            launch();
            long back = System.nanoTime();
            await("the saga moves again").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                    .until(() -> succeeded(id) > before);
            // "back": the agent announced itself; from there to its first word on the saga (the step taken up again)
            java.sql.Timestamp announced = h.jdbc().queryForObject("SELECT announced_at FROM host WHERE lab_host = ?", java.sql.Timestamp.class, HOST);
            java.sql.Timestamp resumed = h.jdbc().queryForObject("SELECT min(at) FROM audit_log WHERE saga_id = ? AND at >= ? AND signer = ?",
                    java.sql.Timestamp.class, id.value(), announced, HOST);
            long moving = resumed.getTime() - announced.getTime();
            System.out.println("round " + round + ": the next success " + (System.nanoTime() - back) / 1_000_000
                    + " ms after the agent's process was started again (its JVM's start included); its first audited event on the saga "
                    + moving + " ms after it announced itself");
            assertThat(moving).as("from the agent back to the saga moving (ms)").isLessThan(5_000);
        }
        await("the saga finishes by itself").atMost(Duration.ofSeconds(90)).until(() -> h.reads().status(id) == SagaStatus.SUCCEEDED);

        // each command in the journal once, each success audited once
        Map<String, Integer> journal = new HashMap<>();
        for (String line : Files.readAllLines(state.resolve("journal.jsonl"))) {
            if (!line.isBlank()) {
                journal.merge(Json.read(line).get("key").asString(), 1, Integer::sum);
            }
        }
        assertThat(journal.values()).allSatisfy(n -> assertThat(n).isEqualTo(1));
        assertThat(h.jdbc().queryForObject("SELECT count(*) FROM audit_log WHERE saga_id = ? AND action = 'step.succeeded'", Integer.class,
                id.value())).isEqualTo(STEPS);
        assertThat(h.jdbc().queryForObject("SELECT count(*) FROM step WHERE saga_id = ? AND attempt <> 1", Integer.class, id.value()))
                .as("no step needed a second attempt: the restarted agent took up the command it had").isZero();
        assertThat(Json.read(h.get("/api/audit/verify").body()).get("ok").asBoolean()).isTrue();
    }
}
