package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.labforge.common.messaging.Json;
import io.labforge.common.messaging.Topics;
import io.labforge.common.signing.Keys;
import io.labforge.devrig.labhosts.Cmd;
import io.labforge.orchestrator.cli.LabforgeCli;
import java.io.Reader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The audit log as a read-only Kafka topic: {@code labforge auditors add} makes an auditor's key and Kafka settings; a
 * plain Kafka consumer with those settings (no Labforge code) reads every row of a saga as a CloudEvent, in order, each
 * signed by the orchestrator (checked with the JDK's Ed25519 and {@code orchestrator.pub}; a changed byte fails). The
 * auditor cannot write to the topic nor read commands; once removed, it reads nothing.
 */
@Timeout(240)
class AuditTopicIT {

    @Test
    void anAuditorReadsEverySagaRowAsASignedCloudEventAndNothingElse(@TempDir Path dir) throws Exception {
        try (Harness h = new Harness(dir)) {
            h.startOrchestrator();
            Path auditor = dir.resolve("auditor");
            Cmd.Result added = cli(h, "auditors", "add", "siem", "--dir", auditor.toString(), "--kafka", h.services.kafkaBootstrapServers());
            assertThat(added.ok()).as(added.out()).isTrue();
            assertThat(added.out()).contains("may read labforge.audit in group labforge-auditor-siem and nothing else");
            assertThat(Files.getPosixFilePermissions(auditor.resolve("auditor.key"))).hasSize(2); // rw- for its owner only

            Process fleet = h.startFleet(dir, List.of("a1", "a2"), Path.of("target", "audit-topic-it", "fleet.log"));
            String sagaId;
            try {
                HttpResponse<String> r = h.post("/api/sagas", "apiVersion: labforge/v1\nkind: Lab\nname: audited\ndomain: audited.test\nhosts:\n"
                        + "  - {name: a1, address: 10.87.0.11}\n  - {name: a2, address: 10.87.0.12}\n");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                sagaId = Json.read(r.body()).get("id").asString();
                assertThat(h.awaitFinal(sagaId, Duration.ofSeconds(120)).get("status").asString()).isEqualTo("SUCCEEDED");
            } finally {
                fleet.destroy();
                fleet.waitFor(30, TimeUnit.SECONDS);
            }
            List<Long> expected = new ArrayList<>();
            for (JsonNode row : Json.read(h.get("/api/audit?limit=5000&sagaId=" + sagaId).body())) {
                expected.add(row.get("seq").asLong());
            }

            // the auditor's own settings, as a Kafka tool would load them
            Properties settings = new Properties();
            try (Reader in = Files.newBufferedReader(auditor.resolve("kafka.properties"))) {
                settings.load(in);
            }
            PublicKey orchestrator = Keys.decodePublic(h.publicKey);
            List<Long> seen = new ArrayList<>();
            Properties c = consumer(settings);
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c)) {
                consumer.subscribe(List.of(Topics.AUDIT));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!seen.containsAll(expected) && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
                        if (!sagaId.equals(rec.key())) {
                            continue; // the broker is shared with other tests' orchestrators, each signing with its own key
                        }
                        assertThat(new String(rec.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
                                .startsWith("application/cloudevents+json");
                        byte[] signature = Base64.getDecoder().decode(rec.headers().lastHeader("labforge-signature").value());
                        assertThat(verifies(orchestrator, rec.value(), signature)).as("the orchestrator's signature").isTrue();
                        byte[] changed = rec.value().clone();
                        changed[changed.length / 2] ^= 1;
                        assertThat(verifies(orchestrator, changed, signature)).as("a changed byte").isFalse();
                        CloudEvent e = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).deserialize(rec.value());
                        assertThat(e.getSource().toString()).isEqualTo("urn:labforge:audit");
                        assertThat(e.getExtension("labforgesaga")).hasToString(sagaId);
                        seen.add(Long.parseLong(e.getId()));
                    }
                }
            }
            assertThat(seen).as("the saga's rows, in their order").containsExactlyElementsOf(expected);

            // read-only: no write to the topic, no read of the commands
            Properties p = new Properties();
            p.putAll(settings);
            p.remove("group.id");
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false); // else the first refusal is of idempotent writes, not of the topic
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.AUDIT, "forged", new byte[] {1})).get(20, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(TopicAuthorizationException.class);
            }
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumer(settings))) {
                consumer.subscribe(List.of(Topics.AGENT_COMMANDS));
                assertThatThrownBy(() -> {
                    for (int i = 0; i < 20; i++) {
                        consumer.poll(Duration.ofMillis(500));
                    }
                }).isInstanceOf(TopicAuthorizationException.class);
            }

            // removed: its certificate opens nothing any more
            Cmd.Result removed = cli(h, "auditors", "remove", "siem");
            assertThat(removed.ok()).as(removed.out()).isTrue();
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumer(settings))) {
                consumer.subscribe(List.of(Topics.AUDIT));
                assertThatThrownBy(() -> {
                    for (int i = 0; i < 20; i++) {
                        consumer.poll(Duration.ofMillis(500));
                    }
                }).isInstanceOfAny(TopicAuthorizationException.class, org.apache.kafka.common.errors.GroupAuthorizationException.class);
            }
            assertThat(h.jdbc().queryForList("SELECT action FROM audit_log WHERE target = 'auditor-siem' ORDER BY seq", String.class))
                    .containsExactly("auditor.registered", "auditor.removed");
        }
    }

    /** The CLI in a JVM of its own, as a user runs it, with the admin token in its environment. */
    private static Cmd.Result cli(Harness h, String... args) {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), LabforgeCli.class.getName()));
        argv.addAll(List.of(args));
        argv.addAll(List.of("--url", h.baseUrl()));
        return Cmd.run(argv, Path.of("."), Map.of("LABFORGE_TOKEN", h.adminToken), 120);
    }

    private static Properties consumer(Properties settings) {
        Properties c = new Properties();
        c.putAll(settings);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return c;
    }

    private static boolean verifies(PublicKey key, byte[] value, byte[] signature) throws Exception {
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(key);
        s.update(value);
        return s.verify(signature);
    }
}
