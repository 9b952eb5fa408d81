package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labforge.common.agent.Noop;
import io.labforge.common.features.Features;
import io.labforge.common.id.LabId;
import io.labforge.common.id.SagaId;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab.FailurePolicy;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.Json;
import io.labforge.common.messaging.Topics;
import io.labforge.common.signing.EnvelopeSigner;
import io.labforge.common.signing.Keys;
import io.labforge.common.step.StepEvent;
import io.labforge.orchestrator.persistence.SagaRepository;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.planner.StepSpec;
import io.labforge.orchestrator.runtime.KafkaSetup;
import io.labforge.orchestrator.saga.Saga;
import io.labforge.orchestrator.saga.SagaStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The saga under trouble, on real Kafka and PostgreSQL: the orchestrator stopped mid-saga, a
 * command delivered twice, commands tampered with or unsigned, an agent that does not trust the
 * orchestrator's key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class SagaResilienceIT {
    static final List<String> HOSTS = List.of("r1", "r2", "r3");
    Harness h;
    Envelope captured;

    @BeforeAll
    void start(@TempDir Path dir) {
        h = new Harness(dir);
        h.startOrchestrator();
        HOSTS.forEach(h::startAgent);
    }

    @AfterAll
    void stop() {
        h.close();
    }

    /** Per host a chain of {@code n} no-op steps, each sleeping {@code sleep} ms. */
    static Plan chains(String prefix, int n, long sleep) {
        return chains(HOSTS, prefix, n, sleep);
    }

    static Plan chains(List<String> hosts, String prefix, int n, long sleep) {
        List<StepSpec> steps = new ArrayList<>();
        for (String host : hosts) {
            for (int i = 1; i <= n; i++) {
                steps.add(new StepSpec(StepId.of(prefix + i + "@" + host), "agent.Noop", host,
                        (ObjectNode) Json.tree(new Noop(sleep, 0)),
                        i == 1 ? List.of() : List.of(StepId.of(prefix + (i - 1) + "@" + host)), Duration.ofSeconds(60),
                        StepSpec.RetryPolicy.DEFAULT, null));
            }
        }
        return Plan.of(steps);
    }

    int succeeded(SagaId id) {
        return h.jdbc().queryForObject("SELECT count(*) FROM step WHERE saga_id = ? AND state = 'SUCCEEDED'", Integer.class,
                id.value());
    }

    @Test
    @Order(1)
    void orchestratorStoppedMidSagaIsFinishedByANewOneWithNoStepRunTwice() {
        SagaId id = h.coordinator().submitPlan(LabId.of("restart"), "generated", chains("slow", 4, 400),
                FailurePolicy.PAUSE, Saga.Mode.APPLY, "it-test");
        // the commands of the saga's first transaction are recorded as sent (what a new owner waits for, and until when)
        assertThat(h.jdbc().queryForList("SELECT message_id, deadline FROM step WHERE saga_id = ? AND attempt > 0", id.value()))
                .isNotEmpty().allSatisfy(row -> assertThat(row.values()).doesNotContainNull());
        await("some steps done").atMost(Duration.ofSeconds(60)).until(() -> succeeded(id) >= 3);
        assertThat(succeeded(id)).isLessThan(12);

        h.stopOrchestrator();
        // the agents finish what they were given; their events wait in Kafka
        h.startOrchestrator();

        await("the new orchestrator finishes the saga").atMost(Duration.ofSeconds(90))
                .until(() -> h.reads().status(id) == SagaStatus.SUCCEEDED);
        for (String host : HOSTS) {
            for (int i = 1; i <= 4; i++) {
                assertThat(h.executions(host, "slow" + i + "@" + host)).as("slow" + i + "@" + host + " ran once").isEqualTo(1);
            }
        }
        await("every sent command leaves the outbox").atMost(Duration.ofSeconds(10))
                .until(() -> h.jdbc().queryForObject("SELECT count(*) FROM outbox", Integer.class) == 0);
        assertThat(Json.read(h.get("/api/audit/verify").body()).get("ok").asBoolean()).isTrue();
    }

    @Test
    @Order(2)
    void aCommandDeliveredTwiceRunsOnce() {
        SagaId id = h.coordinator().submitPlan(LabId.of("twice"), "generated", chains("twice", 1, 0),
                FailurePolicy.PAUSE, Saga.Mode.APPLY, "it-test");
        await().atMost(Duration.ofSeconds(60)).until(() -> h.reads().status(id) == SagaStatus.SUCCEEDED);
        captured = command("twice1@r1");
        long auditRows = h.jdbc().queryForObject("SELECT count(*) FROM audit_log", Long.class);

        publish(captured); // redelivered: same message id, same signature

        // the first answer and the replayed one share the command's id: the second says it was not run again
        awaitEvent(captured.messageId(), StepEvent.Succeeded.class, e -> ((StepEvent.Succeeded) e).replayed());
        assertThat(h.executions("r1", "twice1@r1")).isEqualTo(1);
        // the orchestrator does not take a stale answer as news
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> h.jdbc().queryForObject("SELECT count(*) FROM audit_log", Long.class), n -> n == auditRows);
    }

    @Test
    @Order(3)
    void tamperedAndUnsignedCommandsAreRefusedAndReported() {
        ObjectNode evil = ((ObjectNode) captured.payload()).deepCopy().put("sleepMillis", 999);
        Envelope tampered = captured.withPayload(evil);
        Envelope unsigned = new Envelope(UUID.randomUUID(), captured.type(), 1, captured.labId(), captured.sagaId(),
                captured.stepId(), 9, "r1", null, captured.issuedAt(), captured.deadline(), false, captured.payload(), null, null);

        publish(tampered);
        publish(unsigned);

        assertThat(((StepEvent.CommandRejected) awaitEvent(tampered.messageId(), StepEvent.CommandRejected.class, e -> true))
                .rejection()).isIn(StepEvent.Rejection.BAD_SIGNATURE);
        assertThat(((StepEvent.CommandRejected) awaitEvent(unsigned.messageId(), StepEvent.CommandRejected.class, e -> true))
                .rejection()).isEqualTo(StepEvent.Rejection.UNSIGNED);
        assertThat(h.executions("r1", "twice1@r1")).isEqualTo(1);
    }

    @Test
    @Order(4)
    void anAgentThatDoesNotTrustTheKeyRefusesAndTheSagaPausesWithTheReason() {
        h.startAgent("rogue", Keys.encodePublic(Keys.generate().getPublic()));
        Plan plan = Plan.of(List.of(new StepSpec(StepId.of("noop@rogue"), "agent.Noop", "rogue",
                (ObjectNode) Json.tree(new Noop(0, 0)), List.of(), Duration.ofSeconds(30), StepSpec.RetryPolicy.DEFAULT, null)));
        SagaId id = h.coordinator().submitPlan(LabId.of("rogue"), "generated", plan, FailurePolicy.PAUSE, Saga.Mode.APPLY,
                "it-test");

        await().atMost(Duration.ofSeconds(60)).until(() -> h.reads().status(id) == SagaStatus.PAUSED);
        String error = h.jdbc().queryForObject("SELECT error FROM step WHERE saga_id = ?", String.class, id.value());
        assertThat(error).contains("BAD_SIGNATURE");
        assertThat(h.executions("rogue", "noop@rogue")).isZero();
    }

    @Test
    @Order(7)
    void whatAStepSaidIsKeptWithTheSagaAndServedByTheApi() {
        Plan plan = Plan.of(List.of(new StepSpec(StepId.of("say@r2"), "agent.Noop", "r2",
                (ObjectNode) Json.tree(new Noop(0, 0, List.of("first line", "\u001b[32msecond\u001b[0m, in green"))), List.of(),
                Duration.ofSeconds(30), StepSpec.RetryPolicy.DEFAULT, null)));
        SagaId id = h.coordinator().submitPlan(LabId.of("said"), "generated", plan, FailurePolicy.PAUSE, Saga.Mode.APPLY, "it-test");
        await("the saga ends").atMost(Duration.ofSeconds(60)).until(() -> h.reads().status(id).isFinal());
        JsonNode out = Json.read(h.get("/api/sagas/" + id + "/steps/say@r2/output").body());
        assertThat(out.get("lines")).extracting(JsonNode::asString).containsExactly("first line", "\u001b[32msecond\u001b[0m, in green");
        assertThat(Json.read(h.get("/api/sagas/" + id + "/steps/say@r2/output?limit=1").body()).get("lines"))
                .extracting(JsonNode::asString).containsExactly("\u001b[32msecond\u001b[0m, in green");
        assertThat(h.get("/api/sagas/" + UUID.randomUUID() + "/steps/say@r2/output").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(8)
    void anOperatorPausesARunningSagaTheStepsInFlightFinishAndResumeGoesOn() {
        SagaId id = h.coordinator().submitPlan(LabId.of("paused"), "generated", chains("p", 3, 1500), FailurePolicy.PAUSE,
                Saga.Mode.APPLY, "it-test");
        // each host's first step is under way (1.5 s each) when the operator pauses, through the API with an operator's token
        java.net.http.HttpResponse<String> paused = h.post("/api/sagas/" + id + "/pause", "");
        assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
        assertThat(Json.read(paused.body()).get("status").asString()).isEqualTo("PAUSED");
        await("the steps in flight finish").atMost(Duration.ofSeconds(30)).until(() -> succeeded(id) == 3);
        // and nothing more is sent: the steps ever sent stay those 3 for longer than a step takes
        await("nothing more is sent while paused").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> h.jdbc()
                .queryForObject("SELECT count(*) FROM step WHERE saga_id = ? AND attempt > 0", Integer.class, id.value()) == 3);
        assertThat(h.reads().status(id)).isEqualTo(SagaStatus.PAUSED);
        java.net.http.HttpResponse<String> again = h.post("/api/sagas/" + id + "/pause", "");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("only a RUNNING saga can be paused");
        JsonNode pauseRow = null;
        for (JsonNode row : Json.read(h.get("/api/audit?sagaId=" + id).body())) {
            pauseRow = row.get("action").asString().equals("saga.paused") ? row : pauseRow;
        }
        assertThat(pauseRow).as("the pause is audited").isNotNull();
        assertThat(pauseRow.get("actor").asString()).contains("it-operator");

        java.net.http.HttpResponse<String> resumed = h.post("/api/sagas/" + id + "/resume", "");
        assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
        await("the saga goes on to its end").atMost(Duration.ofSeconds(60)).until(() -> h.reads().status(id) == SagaStatus.SUCCEEDED);
        for (String host : HOSTS) {
            for (int i = 1; i <= 3; i++) {
                assertThat(h.executions(host, "p" + i + "@" + host)).as("p" + i + "@" + host + " ran once").isEqualTo(1);
            }
        }
    }

    @Test
    @Order(6)
    void aRowLeftInTheOutboxIsSweptAndSent() {
        // what an orchestrator that stopped between its commit and the send leaves: a row nobody handed over
        Envelope left = EnvelopeSigner.orchestrator(Keys.loadOrCreate(h.stateDir).getPrivate()).sign(new Envelope(
                UUID.randomUUID(), captured.type(), 1, captured.labId(), captured.sagaId(), "left@r1", 1, "r1", null,
                Instant.now(), Instant.now().plusSeconds(300), false, captured.payload(), null, null));
        h.jdbc().update("INSERT INTO outbox (topic, msg_key, message_id, envelope) VALUES (?, ?, ?, ?)", Topics.AGENT_COMMANDS, "r1",
                left.messageId(), left.toBytes());

        assertThat(awaitEvent(left.messageId(), StepEvent.Succeeded.class, e -> true)).isInstanceOf(StepEvent.Succeeded.class);
        assertThat(h.executions("r1", "left@r1")).isEqualTo(1);
        await("the acknowledged row is deleted").atMost(Duration.ofSeconds(10))
                .until(() -> h.jdbc().queryForObject("SELECT count(*) FROM outbox", Integer.class) == 0);
    }

    @Test
    @Order(5)
    void theInboxTakesEachEventOnceEvenWithinOneBatch() {
        SagaRepository repo = h.bean(SagaRepository.class);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        // one poll can hold the same event twice (a producer retry); only its first copy is news
        assertThat(repo.firstDeliveries(List.of(a, b, a))).containsExactly(true, true, false);
        assertThat(repo.firstDeliveries(List.of(b, UUID.randomUUID()))).containsExactly(false, true);
    }

    Envelope command(String stepId) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSetup.consumer(h.orchestratorBus(),
                "it-reader-" + UUID.randomUUID()))) {
            c.subscribe(List.of(Topics.AGENT_COMMANDS));
            long end = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < end) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    Envelope e = Envelope.fromBytes(r.value());
                    if (stepId.equals(e.stepId())) {
                        return e;
                    }
                }
            }
        }
        throw new AssertionError("no command for " + stepId + " on " + Topics.AGENT_COMMANDS);
    }

    void publish(Envelope e) {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSetup.producer(h.orchestratorBus()))) {
            p.send(new ProducerRecord<>(Topics.AGENT_COMMANDS, e.target(), e.toBytes())).get();
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }

    Object awaitEvent(UUID causation, Class<?> type, Predicate<Object> which) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaSetup.consumer(h.orchestratorBus(),
                "it-events-" + UUID.randomUUID()))) {
            c.subscribe(List.of(Topics.STEP_EVENTS));
            long end = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < end) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    Envelope e = Envelope.fromBytes(r.value());
                    Optional<Object> p = Optional.of(Features.TYPES.decode(e));
                    if (causation.equals(e.causationId()) && type.isInstance(p.get()) && which.test(p.get())) {
                        return p.get();
                    }
                }
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " event for command " + causation);
    }
}
