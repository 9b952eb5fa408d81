package io.labforge.gitlab;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.agent.AgentPresence;
import io.labforge.common.exec.HostRoot;
import io.labforge.common.features.Features;
import io.labforge.common.lab.gitlab.AwaitGitlab;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.KafkaClients;
import io.labforge.common.messaging.Topics;
import io.labforge.common.sealing.Sealing;
import io.labforge.common.signing.CommandVerifier;
import io.labforge.common.signing.EnvelopeSigner;
import io.labforge.common.signing.Keys;
import io.labforge.common.step.StepEvent;
import io.labforge.common.worker.CommandProcessor;
import io.labforge.common.worker.Journal;
import io.labforge.common.worker.WorkerLoop;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * gitlab-service announces its sealing key (secrets are sealed to it) on a real broker — also when it
 * starts before the orchestrator has made the presence topic: it keeps taking commands meanwhile and
 * announces once the topic exists.
 */
class WorkerAnnouncementTest {
    @TempDir
    Path dir;

    @Test
    void aServiceStartedBeforeThePresenceTopicExistsAnnouncesItsKeyOnceItDoes() throws Exception {
        EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.brokerProperty("auto.create.topics.enable", "false"); // as the orchestrator's broker: topics are made, not guessed
        kafka.afterPropertiesSet();
        try (Journal journal = new Journal(dir.resolve("journal.jsonl"))) {
            Sealing.KeyPair sealing = Sealing.generate();
            CommandProcessor processor = new CommandProcessor(new EnvelopeSigner("gitlab-service", Keys.generate().getPrivate()),
                    new CommandVerifier(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic()), List.of(), journal,
                    new HostRoot(dir), Clock.systemUTC(), Duration.ofMillis(200), new CommandProcessor.Secrets(sealing, null));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.getBrokersAsString()))) {
                admin.createTopics(List.of(new NewTopic(Topics.GITLAB_COMMANDS, 1, (short) 1), new NewTopic(Topics.STEP_EVENTS, 1, (short) 1)))
                        .all().get();
            }
            WorkerLoop loop = WorkerLoop.forService(kafka.getBrokersAsString(), Topics.GITLAB_COMMANDS, processor);
            loop.start();
            try {
                // the presence topic does not exist yet: a command (unsigned, so refused) is still answered meanwhile
                Envelope cmd = Envelope.of(new AwaitGitlab("lab", "https://gitlab.lab.test", null, 10),
                        "lab", "saga-1", "gitlab-ready@gitlab-service", 1, "gitlab-service", null, Instant.now(), null, false);
                try (var producer = new KafkaProducer<String, byte[]>(KafkaClients.producer(kafka.getBrokersAsString()))) {
                    producer.send(new ProducerRecord<>(Topics.GITLAB_COMMANDS, "saga-1", cmd.toBytes())).get();
                }
                Properties ep = KafkaClients.consumer(kafka.getBrokersAsString(), "events-test");
                ep.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
                Object answer = null;
                try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(ep)) {
                    c.subscribe(List.of(Topics.STEP_EVENTS));
                    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (answer == null && System.nanoTime() < until) {
                        for (var r : c.poll(Duration.ofMillis(500))) {
                            answer = Features.TYPES.decode(Envelope.fromBytes(r.value()));
                        }
                    }
                }
                assertThat(answer).as("the command answered while the service could not announce itself")
                        .isInstanceOf(StepEvent.CommandRejected.class);
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.getBrokersAsString()))) {
                    admin.createTopics(List.of(new NewTopic(Topics.AGENT_PRESENCE, 1, (short) 1))).all().get();
                }
                Properties cp = KafkaClients.consumer(kafka.getBrokersAsString(), "announcement-test");
                cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
                AgentPresence.Announced seen = null;
                try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(cp)) {
                    c.subscribe(List.of(Topics.AGENT_PRESENCE));
                    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (seen == null && System.nanoTime() < until) {
                        for (var r : c.poll(Duration.ofMillis(500))) {
                            if (Features.TYPES.decode(Envelope.fromBytes(r.value())) instanceof AgentPresence.Announced a) {
                                seen = a;
                            }
                        }
                    }
                }
                assertThat(seen).as("an announcement on " + Topics.AGENT_PRESENCE).isNotNull();
                assertThat(seen.hostId()).isEqualTo("gitlab-service");
                assertThat(seen.facts().sealingKey()).isEqualTo(sealing.publicKey());
            } finally {
                loop.stop();
            }
        } finally {
            kafka.destroy();
        }
    }
}
