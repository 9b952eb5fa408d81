package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.agent.AgentPresence;
import io.labforge.common.command.GitlabCommand;
import io.labforge.common.exec.HostRoot;
import io.labforge.common.features.Features;
import io.labforge.common.lab.gitlab.AwaitGitlab;
import io.labforge.common.messaging.Bus;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.Topics;
import io.labforge.common.signing.CommandVerifier;
import io.labforge.common.signing.Keys;
import io.labforge.common.step.StepEvent;
import io.labforge.common.tls.Pki;
import io.labforge.common.worker.CommandProcessor;
import io.labforge.common.worker.Journal;
import io.labforge.common.worker.WorkerIdentity;
import io.labforge.common.worker.WorkerLoop;
import io.labforge.devrig.embedded.EmbeddedServices;
import io.labforge.orchestrator.trust.BusCa;
import io.labforge.orchestrator.trust.KafkaAcls;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * gitlab-service announces itself (its sealing key is what secrets for it are sealed to) on a real
 * broker over mutual TLS — also when it starts before the orchestrator has made the presence topic: it
 * keeps taking commands meanwhile and announces once the topic exists. The test plays the orchestrator
 * (the broker's super user): it makes the topics, grants the service its rights and signs its certificate.
 * A worker that starts before its rights are granted (or while the broker is away) keeps trying.
 */
@Timeout(180)
class WorkerAnnouncementIT {
    @TempDir
    Path dir;

    @Test
    void aServiceStartedBeforeThePresenceTopicExistsAnnouncesItsKeyOnceItDoes() throws Exception {
        try (EmbeddedServices infra = EmbeddedServices.start(dir.resolve("infra"), 0, dir.resolve("orchestrator"));
                Journal journal = new Journal(dir.resolve("journal.jsonl"));
                KafkaAcls acls = new KafkaAcls(infra.bus(infra.busCa().newClient("orchestrator", Duration.ofHours(1))))) {
            Bus orchestrator = infra.bus(infra.busCa().newClient("orchestrator", Duration.ofHours(1)));
            Path state = dir.resolve("gitlab-service");
            WorkerIdentity.Loaded keys = WorkerIdentity.loadOrCreate(state, GitlabCommand.TARGET);
            String principal = BusCa.principal(GitlabCommand.TARGET, keys.busKey().getPublic());
            acls.grant(GitlabCommand.TARGET, principal, null);
            makeTopics(orchestrator, Topics.GITLAB_COMMANDS, Topics.STEP_EVENTS);
            WorkerLoop loop = serviceLoop(infra, keys, principal, journal);
            loop.start();
            try {
                // the presence topic does not exist yet: a command (unsigned, so refused) is still answered meanwhile
                sendUnsignedCommand(orchestrator);
                Object answer = firstOn(orchestrator, Topics.STEP_EVENTS, Duration.ofSeconds(60));
                assertThat(answer).as("the command answered while the service could not announce itself")
                        .isInstanceOf(StepEvent.CommandRejected.class);
                makeTopics(orchestrator, Topics.AGENT_PRESENCE);
                Object seen = firstOn(orchestrator, Topics.AGENT_PRESENCE, Duration.ofSeconds(60));
                assertThat(seen).as("an announcement on " + Topics.AGENT_PRESENCE).isInstanceOfSatisfying(AgentPresence.Announced.class, a -> {
                    assertThat(a.hostId()).isEqualTo("gitlab-service");
                    assertThat(a.facts().sealingKey()).isEqualTo(keys.sealing().publicKey());
                });
            } finally {
                loop.stop();
            }
        }
    }

    @Test
    void aWorkerStartedBeforeTheBrokerGrantsItsRightsKeepsTryingAndAnswersOnceGranted() throws Exception {
        try (EmbeddedServices infra = EmbeddedServices.start(dir.resolve("infra"), 0, dir.resolve("orchestrator"));
                Journal journal = new Journal(dir.resolve("journal.jsonl"));
                KafkaAcls acls = new KafkaAcls(infra.bus(infra.busCa().newClient("orchestrator", Duration.ofHours(1))))) {
            Bus orchestrator = infra.bus(infra.busCa().newClient("orchestrator", Duration.ofHours(1)));
            WorkerIdentity.Loaded keys = WorkerIdentity.loadOrCreate(dir.resolve("gitlab-service"), GitlabCommand.TARGET);
            String principal = BusCa.principal(GitlabCommand.TARGET, keys.busKey().getPublic());
            makeTopics(orchestrator, Topics.GITLAB_COMMANDS, Topics.STEP_EVENTS);
            WorkerLoop loop = serviceLoop(infra, keys, principal, journal);
            loop.start();
            try {
                // refused by the broker's ACLs: its sessions fail, and a failed session must not end the loop
                Thread.sleep(4_000);
                acls.grant(GitlabCommand.TARGET, principal, null);
                sendUnsignedCommand(orchestrator);
                assertThat(firstOn(orchestrator, Topics.STEP_EVENTS, Duration.ofSeconds(60)))
                        .as("the command answered once the worker's rights were granted").isInstanceOf(StepEvent.CommandRejected.class);
                assertThat(loop.ready()).isTrue();
            } finally {
                loop.stop();
            }
        }
    }

    /** gitlab-service's loop, with a Kafka certificate of the bus CA for its key; it trusts another orchestrator key (commands are refused). */
    WorkerLoop serviceLoop(EmbeddedServices infra, WorkerIdentity.Loaded keys, String principal, Journal journal) {
        Bus service = infra.bus(new Bus.Tls(infra.busCa().caPem(), infra.busCa().issueClient(keys.identity().busCsr(), principal),
                Pki.pkcs8Pem(keys.busKey().getPrivate())));
        CommandProcessor processor = new CommandProcessor(keys.signer(), new CommandVerifier(Keys.generate().getPublic()), List.of(),
                journal, new HostRoot(dir), Clock.systemUTC(), Duration.ofMillis(200), new CommandProcessor.Secrets(keys.sealing(), null));
        return WorkerLoop.forService(service, Topics.GITLAB_COMMANDS, processor);
    }

    static void makeTopics(Bus orchestrator, String... topics) throws Exception {
        try (Admin admin = Admin.create(orchestrator.admin())) {
            admin.createTopics(java.util.Arrays.stream(topics).map(t -> new NewTopic(t, 1, (short) 1)).toList()).all().get();
        }
    }

    /** A command for gitlab-service, unsigned: the service answers it with a refusal. */
    static void sendUnsignedCommand(Bus orchestrator) throws Exception {
        Envelope cmd = Envelope.of(new AwaitGitlab("lab", "https://gitlab.lab.test", null, 10),
                "lab", "saga-1", "gitlab-ready@gitlab-service", 1, "gitlab-service", null, Instant.now(), null, false);
        try (var producer = new KafkaProducer<String, byte[]>(orchestrator.producer())) {
            producer.send(new ProducerRecord<>(Topics.GITLAB_COMMANDS, "saga-1", cmd.toBytes())).get();
        }
    }

    static Object firstOn(Bus bus, String topic, Duration within) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(bus.consumer("it-" + topic))) {
            c.subscribe(List.of(topic));
            long until = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < until) {
                for (var r : c.poll(Duration.ofMillis(500))) {
                    return Features.TYPES.decode(Envelope.fromBytes(r.value()));
                }
            }
        }
        return null;
    }
}
