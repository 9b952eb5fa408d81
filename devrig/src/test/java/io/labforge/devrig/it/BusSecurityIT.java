package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labforge.common.agent.AgentPresence;
import io.labforge.common.agent.Noop;
import io.labforge.common.id.LabId;
import io.labforge.common.id.SagaId;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab.FailurePolicy;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.Json;
import io.labforge.common.messaging.KafkaClients;
import io.labforge.common.messaging.Topics;
import io.labforge.common.sealing.Sealing;
import io.labforge.common.signing.EnvelopeSigner;
import io.labforge.common.signing.Keys;
import io.labforge.common.step.StepEvent;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.planner.StepSpec;
import io.labforge.orchestrator.saga.Saga;
import io.labforge.orchestrator.saga.SagaStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
 * Kafka played as an attacker on the lab network would, with its own producer and consumer, against
 * the real orchestrator and two real agents (embedded PostgreSQL and Kafka; hosts are directories):
 * announcements forged for a host, step results forged, replayed and signed by another host, an
 * announcement with a new sealing key. Each is refused with its reason and audited; no saga moves
 * on a forged word; a canary secret sent to a host never reaches the attacker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class BusSecurityIT {
    static final List<String> HOSTS = List.of("node1", "node2");
    Harness h;
    final KeyPair attacker = Keys.generate();
    final Sealing.KeyPair attackersSealing = Sealing.generate();

    @BeforeAll
    void start(@TempDir Path dir) {
        h = new Harness(dir);
        h.startOrchestrator();
        HOSTS.forEach(h::startAgent);
        await("both agents announced").atMost(Duration.ofSeconds(60)).until(() -> h.jdbc().queryForObject(
                "SELECT count(*) FROM host WHERE announced_at IS NOT NULL", Integer.class) == 2);
    }

    @AfterAll
    void stop() {
        h.close();
    }

    String servers() {
        return h.services.kafkaBootstrapServers();
    }

    void send(String topic, String key, Envelope e) {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaClients.producer(servers()))) {
            p.send(new ProducerRecord<>(topic, key, e.toBytes())).get();
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }

    /** Every record of a topic so far, as the attacker reads them. */
    List<ConsumerRecord<String, byte[]>> read(String topic) {
        var props = KafkaClients.consumer(servers(), "attacker-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
            c.subscribe(List.of(topic));
            long quietSince = System.currentTimeMillis();
            long end = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < end && (out.isEmpty() || System.currentTimeMillis() - quietSince < 2000)) {
                var records = c.poll(Duration.ofMillis(300));
                records.forEach(out::add);
                if (!records.isEmpty()) {
                    quietSince = System.currentTimeMillis();
                }
            }
        }
        return out;
    }

    /** The command for a step, as the attacker reads it on the topic (its id, its saga's). */
    Envelope commandFor(String stepId) {
        var props = KafkaClients.consumer(servers(), "attacker-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
            c.subscribe(List.of(Topics.AGENT_COMMANDS));
            long end = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < end) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    Envelope e = Envelope.fromBytes(r.value());
                    if (stepId.equals(e.stepId())) {
                        return e;
                    }
                }
            }
        }
        throw new AssertionError("no command for " + stepId);
    }

    /** The reasons of the audited refusals of one kind. */
    List<String> refusals(String action) {
        return h.jdbc().queryForList("SELECT detail->>'reason' FROM audit_log WHERE action = ? ORDER BY seq", String.class, action);
    }

    static Envelope announcement(String host, String sealingKey) {
        return Envelope.of(new AgentPresence.Announced(host, "evil", new AgentPresence.Facts(host, "Debian", "6.1", List.of("10.0.0.66"),
                List.of(), sealingKey)), null, null, null, 0, host, null, Instant.now(), null, false);
    }

    static Envelope succeeded(Envelope command, String worker, ObjectNode outputs) {
        return Envelope.of(new StepEvent.Succeeded(true, "forged", outputs, List.of(), false, 1), command.labId(), command.sagaId(),
                command.stepId(), command.attempt(), worker, command.messageId(), Instant.now(), null, false);
    }

    StepSpec step(String id, String host, long sleep, ObjectNode extra) {
        ObjectNode payload = (ObjectNode) Json.tree(new Noop(sleep, 0));
        if (extra != null) {
            payload.setAll(extra);
        }
        return new StepSpec(StepId.of(id), "agent.Noop", host, payload, List.of(), Duration.ofSeconds(60), StepSpec.RetryPolicy.NONE, null);
    }

    @Test
    @Order(1)
    void forgedAnnouncementsAreRefusedAndTheRegisteredSealingKeyStays() {
        String registered = h.jdbc().queryForObject("SELECT sealing_key FROM worker_identity WHERE worker = 'node1'", String.class);
        // unsigned, signed as node1 with the attacker's key, and node1's real key speaking for node2
        send(Topics.AGENT_PRESENCE, "node1", announcement("node1", attackersSealing.publicKey()));
        send(Topics.AGENT_PRESENCE, "node1", new EnvelopeSigner("node1", attacker.getPrivate()).sign(announcement("node1",
                attackersSealing.publicKey())));
        KeyPair node1 = Keys.loadOrCreate(h.dir.resolve("agent-state/node1"), "identity");
        send(Topics.AGENT_PRESENCE, "node2", new EnvelopeSigner("node1", node1.getPrivate()).sign(announcement("node2",
                attackersSealing.publicKey())));
        // node1's own key with a new sealing key: keys change only through bootstrap or enrolment
        send(Topics.AGENT_PRESENCE, "node1", new EnvelopeSigner("node1", node1.getPrivate()).sign(announcement("node1",
                attackersSealing.publicKey())));

        await("four refusals audited").atMost(Duration.ofSeconds(30)).until(() -> refusals("presence.refused").size() == 4);
        assertThat(refusals("presence.refused")).satisfiesExactly(
                r -> assertThat(r).isEqualTo("unsigned"),
                r -> assertThat(r).contains("not node1's registered key"),
                r -> assertThat(r).contains("signed by node1 but speaks for node2"),
                r -> assertThat(r).contains("sealing key other than the one registered"));
        assertThat(h.jdbc().queryForObject("SELECT sealing_key FROM worker_identity WHERE worker = 'node1'", String.class))
                .isEqualTo(registered);
        assertThat(h.jdbc().queryForList("SELECT facts::text FROM host", String.class)).noneMatch(f -> f.contains("10.0.0.66"));
    }

    @Test
    @Order(2)
    void aCanarySecretForAHostReachesOnlyThatHost() {
        String canary = "CANARY-" + UUID.randomUUID();
        ObjectNode secret = Json.object();
        secret.set("note", Json.object().put(Sealing.SECRET, canary));
        SagaId id = h.coordinator().submitPlan(LabId.of("canary"), "generated", Plan.of(List.of(step("canary@node1", "node1", 0, secret))),
                FailurePolicy.PAUSE, Saga.Mode.APPLY, "it-test");
        Envelope cmd = commandFor("canary@node1");
        await().atMost(Duration.ofSeconds(60)).until(() -> h.coordinator().status(id) != SagaStatus.RUNNING);

        for (String topic : List.of(Topics.AGENT_COMMANDS, Topics.STEP_EVENTS, Topics.AGENT_PRESENCE)) {
            assertThat(read(topic)).noneMatch(r -> new String(r.value(), StandardCharsets.UTF_8).contains(canary));
        }
        JsonNode sealed = cmd.payload().get("note");
        assertThat(sealed.has(Sealing.SEALED)).as("sealed on the wire: " + sealed).isTrue();
        boolean opened;
        try {
            Sealing.openAll(cmd.payload(), attackersSealing, cmd.messageId() + "|node1");
            opened = true;
        } catch (Sealing.SealingException e) {
            opened = false;
        }
        assertThat(opened).as("the attacker's sealing key opens nothing").isFalse();
    }

    @Test
    @Order(3)
    void forgedResultsAndResultsSignedByAnotherHostMoveNoSaga() {
        // a slow step on node2: its command (and id) is readable on the topic while it runs
        SagaId id = h.coordinator().submitPlan(LabId.of("forged"), "generated", Plan.of(List.of(step("slow@node2", "node2", 15_000, null))),
                FailurePolicy.PAUSE, Saga.Mode.APPLY, "it-test");
        Envelope cmd = commandFor("slow@node2");
        ObjectNode evil = Json.object().put("hostsEntry", "10.66.66.66 gitlab.lab.test");

        send(Topics.STEP_EVENTS, cmd.sagaId(), succeeded(cmd, "node2", evil)); // unsigned
        send(Topics.STEP_EVENTS, cmd.sagaId(), new EnvelopeSigner("node2", attacker.getPrivate()).sign(succeeded(cmd, "node2", evil)));
        KeyPair node1 = Keys.loadOrCreate(h.dir.resolve("agent-state/node1"), "identity");
        send(Topics.STEP_EVENTS, cmd.sagaId(), new EnvelopeSigner("node1", node1.getPrivate()).sign(succeeded(cmd, "node1", evil)));

        await("the three forgeries audited").atMost(Duration.ofSeconds(30)).until(() -> refusals("event.refused").size() >= 3);
        assertThat(refusals("event.refused")).anySatisfy(r -> assertThat(r).isEqualTo("unsigned"))
                .anySatisfy(r -> assertThat(r).contains("not node2's registered key"))
                .anySatisfy(r -> assertThat(r).contains("signed by node1, but the step was sent to node2"));
        assertThat(h.coordinator().status(id)).isEqualTo(SagaStatus.RUNNING);

        await("the real answer").atMost(Duration.ofSeconds(60)).until(() -> h.coordinator().status(id) == SagaStatus.SUCCEEDED);
        String outputs = h.jdbc().queryForObject("SELECT coalesce(outputs::text, '') FROM step WHERE saga_id = ?", String.class, id.value());
        assertThat(outputs).doesNotContain("10.66.66.66");
    }

    @Test
    @Order(4)
    void aReplayedResultIsNoNews() {
        SagaId id = h.coordinator().submitPlan(LabId.of("replay"), "generated", Plan.of(List.of(step("once@node1", "node1", 0, null))),
                FailurePolicy.PAUSE, Saga.Mode.APPLY, "it-test");
        await().atMost(Duration.ofSeconds(60)).until(() -> h.coordinator().status(id) == SagaStatus.SUCCEEDED);
        Envelope real = read(Topics.STEP_EVENTS).stream().map(r -> Envelope.fromBytes(r.value()))
                .filter(e -> "once@node1".equals(e.stepId()) && e.type().equals("step.Succeeded")).findFirst().orElseThrow();
        long rows = h.jdbc().queryForObject("SELECT count(*) FROM audit_log", Long.class);

        send(Topics.STEP_EVENTS, real.sagaId(), real); // the agent's own signed answer, again

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(6))
                .until(() -> h.jdbc().queryForObject("SELECT count(*) FROM audit_log", Long.class), n -> n == rows);
        assertThat(h.coordinator().status(id)).isEqualTo(SagaStatus.SUCCEEDED);
        assertThat(Json.read(h.get("/api/audit/verify").body()).get("ok").asBoolean()).isTrue();
    }
}
