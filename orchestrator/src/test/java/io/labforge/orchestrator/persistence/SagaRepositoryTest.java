package io.labforge.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.agent.Noop;
import io.labforge.common.features.Features;
import io.labforge.common.id.SagaId;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.messaging.Json;
import io.labforge.common.step.StepEvent;
import io.labforge.orchestrator.persistence.SagaRepository.OutboxRow;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.planner.Planner;
import io.labforge.orchestrator.planner.StepRef;
import io.labforge.orchestrator.planner.StepSpec;
import io.labforge.orchestrator.saga.Effect;
import io.labforge.orchestrator.saga.Saga;
import io.labforge.orchestrator.saga.SagaEngine;
import io.labforge.orchestrator.saga.SagaStatus;
import io.labforge.orchestrator.saga.StepState;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** The saga's tables on a real PostgreSQL: what the engine changed is saved and loads back, secrets sealed at rest. */
class SagaRepositoryTest {
    static final Lab LAB = Features.PARSER.parse("""
            apiVersion: labforge/v1
            kind: Lab
            name: lab
            hosts: [{name: h1, address: 10.0.0.1}]
            """, "lab");

    JdbcTemplate jdbc;
    SagaRepository repo;
    final SagaEngine engine = new SagaEngine(4, 10);
    final Instant now = Instant.parse("2026-12-01T10:00:00Z");

    @BeforeEach
    void database() {
        jdbc = Postgres.freshDatabase();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        repo = new SagaRepository(jdbc, new SecretBox(key));
    }

    Saga twoSteps() {
        Plan plan = Planner.of(LAB, p -> {
            StepRef<Noop> a = p.step(StepId.of("a@h1"), "h1", new Noop(0, 0)).add();
            p.step(StepId.of("b@h1"), "h1", new Noop(0, 0)).after(a).add();
        });
        return Saga.create(SagaId.random(), "lab", Saga.Mode.APPLY, Lab.FailurePolicy.PAUSE, plan);
    }

    @Test
    void whatTheEngineChangedIsSavedAndLoadsBackWithItsSecretsSealedAtRest() {
        // given a saga started and saved
        Saga saga = twoSteps();
        List<Effect> started = engine.start(saga, now);
        repo.insertLab("lab", "lab", "source", true);
        repo.insertSaga(saga, "alice@cli");
        repo.saveChanges(saga);
        UUID command = ((Effect.Dispatch) started.stream().filter(e -> e instanceof Effect.Dispatch).findFirst().orElseThrow()).messageId();

        // when its first step succeeds with a secret output, and that is saved
        engine.onEvent(saga, new SagaEngine.Incoming(StepId.of("a@h1"), command, "h1", new StepEvent.Succeeded(true, "made it",
                Json.object().put("token", "SWMTKN-very-secret").put("nodeId", "n-1"), List.of("token"), false, 3)), now);
        repo.saveChanges(saga);

        // then a load gives the same state back, the secret in clear in memory only
        Saga loaded = repo.load(saga.id()).orElseThrow();
        assertThat(loaded.status()).isEqualTo(SagaStatus.RUNNING);
        assertThat(loaded.step(StepId.of("a@h1")).state()).isEqualTo(StepState.SUCCEEDED);
        assertThat(loaded.step(StepId.of("a@h1")).outputs().get("token").asString()).isEqualTo("SWMTKN-very-secret");
        assertThat(loaded.step(StepId.of("b@h1")).state()).isEqualTo(StepState.DISPATCHED);
        // the spec as planned (its inputs come back from jsonb with their keys reordered and their numbers as JSON numbers,
        // so they are compared as JSON read back from text)
        StepSpec was = saga.step(StepId.of("b@h1")).spec();
        StepSpec is = loaded.step(StepId.of("b@h1")).spec();
        assertThat(Json.read(Json.write(is.inputs()))).isEqualTo(Json.read(Json.write(was.inputs())));
        assertThat(List.of(is.id(), is.commandType(), is.target(), is.dependsOn(), is.timeout(), is.retry()))
                .isEqualTo(List.of(was.id(), was.commandType(), was.target(), was.dependsOn(), was.timeout(), was.retry()));
        assertThat(is.compensation()).isEqualTo(was.compensation());
        String stored = jdbc.queryForObject("SELECT outputs::text FROM step WHERE id = 'a@h1'", String.class);
        assertThat(stored).contains("n-1").doesNotContain("SWMTKN-very-secret");
        assertThat(repo.active()).containsExactly(saga.id());
        assertThat(repo.labSource("lab")).contains("source");
        assertThat(repo.summary(saga.id()).orElseThrow().actor()).isEqualTo("alice@cli");
    }

    @Test
    void theOutboxGivesBackWhatWasEnqueuedOldestFirstAndForgetsWhatWasSent() {
        List<OutboxRow> rows = List.of(row("h1"), row("h2"), row("h1"));
        repo.enqueue(rows);

        List<OutboxRow> waiting = repo.outboxOlderThan(Duration.ZERO, 10);
        assertThat(waiting).extracting(OutboxRow::messageId).containsExactly(rows.get(0).messageId(), rows.get(1).messageId(),
                rows.get(2).messageId());
        assertThat(waiting.get(0).envelope()).isEqualTo(rows.get(0).envelope());
        assertThat(repo.outboxOlderThan(Duration.ofMinutes(5), 10)).as("nothing is five minutes old").isEmpty();

        repo.deleteOutboxMessages(List.of(rows.get(0).messageId(), rows.get(2).messageId()));
        assertThat(repo.outboxOlderThan(Duration.ZERO, 10)).extracting(OutboxRow::messageId).containsExactly(rows.get(1).messageId());
    }

    @Test
    void theInboxTellsFirstDeliveriesFromDuplicatesEvenWithinOneBatch() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        assertThat(repo.firstDeliveries(List.of(a, b, a))).containsExactly(true, true, false);
        assertThat(repo.firstDeliveries(List.of(b, UUID.randomUUID()))).containsExactly(false, true);
        assertThat(repo.firstDelivery(a)).isFalse();
    }

    @Test
    void aHostsAnnouncedFactsAreKeptAndAHeartbeatKeepsThem() {
        repo.recordPresence("h1", Json.object().put("sealingKey", "pk-1"), "1.0", now, true);
        repo.recordPresence("h1", null, null, now.plusSeconds(10), false);
        assertThat(repo.hosts(List.of("h1"))).singleElement().satisfies(h -> {
            assertThat(h.get("agent_version")).isEqualTo("1.0");
            assertThat((String) h.get("facts")).contains("pk-1");
        });
        assertThat(repo.hosts(List.of("h2"))).isEmpty();
    }

    static OutboxRow row(String host) {
        UUID id = UUID.randomUUID();
        return new OutboxRow(0, "labforge.agent.commands", host, id, ("envelope " + id).getBytes());
    }
}
