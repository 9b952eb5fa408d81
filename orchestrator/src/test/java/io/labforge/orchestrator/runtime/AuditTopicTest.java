package io.labforge.orchestrator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.messaging.Json;
import io.labforge.common.messaging.Topics;
import io.labforge.orchestrator.audit.AuditLog;
import io.labforge.orchestrator.persistence.Postgres;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

class AuditTopicTest {
    final JdbcTemplate jdbc = Postgres.freshDatabase();
    final AuditLog log = new AuditLog(jdbc);
    final UUID saga = UUID.randomUUID();
    final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

    AuditLog.Record record(String action) {
        return new AuditLog.Record("alice@cli", action, "lab", saga, "hostname@n1", "n1", Json.object().put("attempt", 1));
    }

    @Test
    void nothingGoesOutBeforeAnAuditorThenEveryRowOnceInOrderSignedByTheOrchestrator() throws Exception {
        KeyPair key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        AuditTopic topic = new AuditTopic(jdbc, log, key.getPrivate(), () -> producer);
        log.append(List.of(record("saga.started"), record("step.dispatched")), Instant.now());

        assertThat(topic.publish(producer)).as("no auditor: nothing published").isZero();
        assertThat(producer.history()).isEmpty();

        jdbc.update("INSERT INTO auditor (name, bus_principal, registered_at, registered_by) VALUES ('siem', 'auditor-siem.x', now(), 'admin')");
        assertThat(topic.publish(producer)).isEqualTo(2);
        log.append(List.of(record("step.succeeded")), Instant.now());
        assertThat(topic.publish(producer)).as("only what is new").isEqualTo(1);
        assertThat(topic.publish(producer)).isZero();

        List<ProducerRecord<String, byte[]>> sent = producer.history();
        assertThat(sent).extracting(ProducerRecord::topic).containsOnly(Topics.AUDIT);
        assertThat(sent).extracting(ProducerRecord::key).containsOnly(saga.toString());
        assertThat(sent).extracting(r -> Json.read(new String(r.value(), StandardCharsets.UTF_8)).get("type").asString())
                .containsExactly("io.labforge.audit.saga.started", "io.labforge.audit.step.dispatched", "io.labforge.audit.step.succeeded");
        for (ProducerRecord<String, byte[]> r : sent) {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key.getPublic());
            s.update(r.value());
            assertThat(s.verify(Base64.getDecoder().decode(r.headers().lastHeader(AuditTopic.SIGNATURE_HEADER).value()))).isTrue();
            assertThat(new String(r.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8)).startsWith("application/cloudevents+json");
        }
        assertThat(jdbc.queryForObject("SELECT last_seq FROM audit_topic", Long.class)).isEqualTo(3L);
    }
}
