package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.labforge.common.agent.AgentPresence;
import io.labforge.common.agent.Noop;
import io.labforge.common.id.LabId;
import io.labforge.common.id.SagaId;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab.FailurePolicy;
import io.labforge.common.messaging.Bus;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.Json;
import io.labforge.common.messaging.Topics;
import io.labforge.common.sealing.Sealing;
import io.labforge.common.signing.EnvelopeSigner;
import io.labforge.common.signing.Keys;
import io.labforge.common.step.StepEvent;
import io.labforge.common.worker.WorkerIdentity;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.planner.StepSpec;
import io.labforge.orchestrator.saga.Saga;
import io.labforge.orchestrator.saga.SagaStatus;
import io.labforge.orchestrator.trust.BusCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
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

    /** What root on node1 has: node1's own bus credentials (and its keys). */
    Bus node1Bus() {
        Path state = h.dir.resolve("agent-state/node1");
        return h.services.bus(WorkerIdentity.loadOrCreate(state, "node1").busTls(state));
    }

    void send(String topic, String key, Envelope e) {
        send(node1Bus(), topic, key, e);
    }

    static void send(Bus bus, String topic, String key, Envelope e) {
        Properties props = bus.producer();
        props.put("max.block.ms", "10000"); // a client the broker will not let in gives up in 10 s
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(props)) {
            p.send(new ProducerRecord<>(topic, key, e.toBytes())).get(30, TimeUnit.SECONDS);
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }

    /** Every record of a topic so far, read as {@code bus} may. */
    List<ConsumerRecord<String, byte[]>> read(Bus bus, String topic) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(bus.consumer("labforge-agent-node1"))) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            long quietSince = System.currentTimeMillis();
            long end = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < end && System.currentTimeMillis() - quietSince < 2000) {
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
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(node1Bus().consumer("labforge-agent-node1"))) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(Topics.AGENT_COMMANDS).forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
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

    /**
     * The reasons of the audited refusals of one kind, of this test's forgeries (unsigned, or signed as
     * one of its hosts): the broker is shared with other test classes, whose agents' last heartbeats
     * may still be on the presence topic and are refused here too (no such worker is registered).
     */
    List<String> refusals(String action) {
        return h.jdbc().queryForList("SELECT detail->>'reason' FROM audit_log WHERE action = ? AND (detail->>'signer' IS NULL"
                + " OR detail->>'signer' IN ('node1', 'node2', 'node3')) ORDER BY seq", String.class, action);
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
    void aCanarySecretForOneHostReachesOnlyThatHostNotRootOnAnother() {
        String canary = "CANARY-" + UUID.randomUUID();
        ObjectNode secret = Json.object();
        secret.set("note", Json.object().put(Sealing.SECRET, canary));
        SagaId id = h.coordinator().submitPlan(LabId.of("canary"), "generated", Plan.of(List.of(step("canary@node2", "node2", 0, secret))),
                FailurePolicy.PAUSE, Saga.Mode.APPLY, "it-test");
        // root on node1 reads the agent command topic, as its agent may
        Envelope cmd = commandFor("canary@node2");
        await().atMost(Duration.ofSeconds(60)).until(() -> h.reads().status(id) != SagaStatus.RUNNING);

        for (String topic : List.of(Topics.AGENT_COMMANDS, Topics.STEP_EVENTS, Topics.AGENT_PRESENCE)) {
            assertThat(read(h.orchestratorBus(), topic)).noneMatch(r -> new String(r.value(), StandardCharsets.UTF_8).contains(canary));
        }
        JsonNode sealed = cmd.payload().get("note");
        assertThat(sealed.has(Sealing.SEALED)).as("sealed on the wire: " + sealed).isTrue();
        Sealing.KeyPair node1Sealing = Sealing.loadOrCreate(h.dir.resolve("agent-state/node1/sealing.key"));
        for (Sealing.KeyPair key : List.of(attackersSealing, node1Sealing)) {
            boolean opened;
            try {
                Sealing.openAll(cmd.payload(), key, cmd.messageId() + "|node2");
                opened = true;
            } catch (Sealing.SealingException e) {
                opened = false;
            }
            assertThat(opened).as("a key other than node2's opens nothing").isFalse();
        }
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
        assertThat(h.reads().status(id)).isEqualTo(SagaStatus.RUNNING);

        await("the real answer").atMost(Duration.ofSeconds(60)).until(() -> h.reads().status(id) == SagaStatus.SUCCEEDED);
        String outputs = h.jdbc().queryForObject("SELECT coalesce(outputs::text, '') FROM step WHERE saga_id = ?", String.class, id.value());
        assertThat(outputs).doesNotContain("10.66.66.66");
    }

    @Test
    @Order(4)
    void aReplayedResultIsNoNews() {
        SagaId id = h.coordinator().submitPlan(LabId.of("replay"), "generated", Plan.of(List.of(step("once@node1", "node1", 0, null))),
                FailurePolicy.PAUSE, Saga.Mode.APPLY, "it-test");
        await().atMost(Duration.ofSeconds(60)).until(() -> h.reads().status(id) == SagaStatus.SUCCEEDED);
        Envelope real = read(h.orchestratorBus(), Topics.STEP_EVENTS).stream().map(r -> Envelope.fromBytes(r.value()))
                .filter(e -> "once@node1".equals(e.stepId()) && e.type().equals("step.Succeeded")).findFirst().orElseThrow();
        long rows = h.jdbc().queryForObject("SELECT count(*) FROM audit_log", Long.class);

        send(Topics.STEP_EVENTS, real.sagaId(), real); // the agent's own signed answer, again

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(6))
                .until(() -> h.jdbc().queryForObject("SELECT count(*) FROM audit_log", Long.class), n -> n == rows);
        assertThat(h.reads().status(id)).isEqualTo(SagaStatus.SUCCEEDED);
        assertThat(Json.read(h.get("/api/audit/verify").body()).get("ok").asBoolean()).isTrue();
    }

    @Test
    @Order(5)
    void onKafkaAHostMayDoWhatItsAgentDoesAndNoOneElseGetsIn() throws Exception {
        Envelope command = Envelope.of(new Noop(0, 0), "lab", UUID.randomUUID().toString(), "evil@node2", 1, "node2", null, Instant.now(),
                Instant.now().plusSeconds(60), false);
        // root on node1: its agent's certificate writes events and presence, and nothing else
        assertThatThrownBy(() -> send(node1Bus(), Topics.AGENT_COMMANDS, "node2", command))
                .hasRootCauseInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> read(node1Bus(), Topics.STEP_EVENTS)).isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> read(node1Bus(), Topics.GITLAB_COMMANDS)).isInstanceOf(TopicAuthorizationException.class);

        // no certificate, or one of another CA: no connection at all
        Properties plain = new Properties();
        plain.put("bootstrap.servers", h.services.kafkaBootstrapServers());
        plain.put("max.block.ms", "5000");
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(plain, new StringSerializer(), new ByteArraySerializer())) {
            assertThatThrownBy(() -> p.send(new ProducerRecord<>(Topics.AGENT_COMMANDS, "node2", command.toBytes())).get(10, TimeUnit.SECONDS))
                    .isInstanceOfAny(ExecutionException.class, TimeoutException.class);
        }
        Path elsewhere = h.dir.resolve("attacker-ca");
        Bus.Tls foreign = BusCa.loadOrCreate(elsewhere).newClient("orchestrator", Duration.ofHours(1));
        Bus forged = h.services.bus(new Bus.Tls(h.services.busCa().caPem(), foreign.certificatePem(), foreign.keyPem()));
        assertThatThrownBy(() -> send(forged, Topics.AGENT_COMMANDS, "node2", command)).isInstanceOf(AssertionError.class);
        assertThat(h.executions("node2", "evil@node2")).isZero();
    }
}
