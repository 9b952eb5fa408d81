package io.labforge.orchestrator;

import io.labforge.common.features.Features;
import io.labforge.common.messaging.Bus;
import io.labforge.common.sealing.Sealing;
import io.labforge.common.signing.EnvelopeSigner;
import io.labforge.common.signing.Keys;
import io.labforge.orchestrator.api.ProgressStreams;
import io.labforge.orchestrator.audit.AuditLog;
import io.labforge.orchestrator.local.LocalSteps;
import io.labforge.orchestrator.persistence.SagaRepository;
import io.labforge.orchestrator.persistence.SecretBox;
import io.labforge.orchestrator.plan.Planners;
import io.labforge.orchestrator.runtime.AuditRecords;
import io.labforge.orchestrator.runtime.CommandEnvelopes;
import io.labforge.orchestrator.runtime.EventConsumer;
import io.labforge.orchestrator.runtime.HostClaims;
import io.labforge.orchestrator.runtime.HostLiveness;
import io.labforge.orchestrator.runtime.LabSubmissions;
import io.labforge.orchestrator.runtime.OrchestratorRuntime;
import io.labforge.orchestrator.persistence.StepOutputs;
import io.labforge.orchestrator.runtime.AuditTopic;
import io.labforge.orchestrator.runtime.OutboxRelay;
import io.labforge.orchestrator.runtime.Ownership;
import io.labforge.orchestrator.runtime.PresenceConsumer;
import io.labforge.orchestrator.runtime.ProgressBus;
import io.labforge.orchestrator.runtime.SagaCoordinator;
import io.labforge.orchestrator.runtime.SagaReads;
import io.labforge.orchestrator.runtime.SagaRequests;
import io.labforge.orchestrator.runtime.SecretSealer;
import io.labforge.orchestrator.saga.SagaEngine;
import io.labforge.orchestrator.security.ApiProperties;
import io.labforge.orchestrator.trust.BusCa;
import io.labforge.orchestrator.trust.Auditors;
import io.labforge.orchestrator.trust.KafkaAcls;
import io.labforge.orchestrator.trust.SenderCheck;
import io.labforge.orchestrator.trust.WorkerIdentities;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The orchestrator's Spring wiring. Started by {@code labforge server} or {@code labforge demo}. */
@SpringBootApplication
@EnableConfigurationProperties(OrchestratorProperties.class)
public class OrchestratorApplication {

    @Bean
    KeyPair signingKeys(OrchestratorProperties props) {
        return Keys.loadOrCreate(props.stateDir());
    }

    /**
     * The orchestrator's HPKE key: agents seal the secret outputs they report to it. Its public half is
     * written beside it ({@code sealing.pub}) for {@code labforge hosts bootstrap}.
     */
    @Bean
    Sealing.KeyPair sealingKey(OrchestratorProperties props) {
        Sealing.KeyPair k = Sealing.loadOrCreate(props.stateDir().resolve("sealing.key"));
        try {
            Files.writeString(props.stateDir().resolve("sealing.pub"), k.publicKey() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + props.stateDir().resolve("sealing.pub"), e);
        }
        return k;
    }

    @Bean
    SagaRepository sagaRepository(JdbcTemplate jdbc, OrchestratorProperties props) {
        return new SagaRepository(jdbc, SecretBox.loadOrCreate(props.stateDir()));
    }

    @Bean
    AuditLog auditLog(JdbcTemplate jdbc, KeyPair keys) {
        return new AuditLog(jdbc, keys);
    }

    @Bean
    ProgressBus progressBus() {
        return new ProgressBus();
    }

    /** The API's live progress streams: from the audit log (and the owner's step output), bounded. */
    @Bean(destroyMethod = "close")
    ProgressStreams progressStreams(AuditLog audit, ProgressBus bus, ApiProperties api) {
        return new ProgressStreams(audit, bus, api.maxStreams());
    }

    /** Labforge's CA for Kafka: it signs the broker's certificate and every worker's. */
    @Bean
    BusCa busCa(OrchestratorProperties props) {
        return BusCa.loadOrCreate(props.stateDir());
    }

    /** The orchestrator on Kafka: mutual TLS with a certificate of its own CA, made at each start (the broker's super user). */
    @Bean
    Bus bus(OrchestratorProperties props, BusCa ca) {
        return new Bus(props.bootstrapServers(), ca.newClient(EnvelopeSigner.ORCHESTRATOR, Duration.ofDays(30)));
    }

    @Bean
    OutboxRelay outboxRelay(SagaRepository repo, Bus bus) {
        return new OutboxRelay(repo, bus);
    }

    /** The broker's ACLs, which the orchestrator sets for each registered worker. */
    @Bean(destroyMethod = "close")
    KafkaAcls kafkaAcls(Bus bus) {
        return new KafkaAcls(bus);
    }

    /** The workers' registered identities: whose events are believed, to whom secrets are sealed. */
    @Bean
    WorkerIdentities workerIdentities(JdbcTemplate jdbc, PlatformTransactionManager txm, AuditLog audit, BusCa ca, KafkaAcls acls) {
        return new WorkerIdentities(jdbc, new TransactionTemplate(txm), audit, Clock.systemUTC(), ca, acls);
    }

    @Bean
    SagaCoordinator sagaCoordinator(SagaRepository repo, AuditLog audit, PlatformTransactionManager txm, KeyPair keys,
            OutboxRelay relay, ProgressBus bus, OrchestratorProperties props, Sealing.KeyPair sealing, WorkerIdentities identities,
            Ownership ownership, JdbcTemplate jdbc, HostLiveness liveness, StepOutputs outputs) {
        SecretSealer sealer = new SecretSealer(identities::sealingKey, sealing);
        return new SagaCoordinator(new SagaCoordinator.Parts(repo, audit, new TransactionTemplate(txm),
                new SagaEngine(props.maxInFlightPerHost(), props.dispatchBatch()), Clock.systemUTC(),
                new CommandEnvelopes(EnvelopeSigner.orchestrator(keys.getPrivate()), sealer, Features.TYPES), sealer, Features.TYPES,
                relay::handOver, bus, new LocalSteps(props.stateDir(), props.secretsDir(), System::getenv), ownership, new HostClaims(jdbc), liveness,
                outputs));
    }

    @Bean
    StepOutputs stepOutputs(JdbcTemplate jdbc) {
        return new StepOutputs(jdbc);
    }

    /** Which agents are heard of: heartbeats read by the event consumer, judged by the saga loop and the API. */
    @Bean
    HostLiveness hostLiveness(OrchestratorProperties props) {
        return new HostLiveness(props.hostOfflineAfter(), Clock.systemUTC());
    }

    /** The API's changes, made by the owner: at once on it, through PostgreSQL from a standby. */
    @Bean
    SagaRequests sagaRequests(SagaCoordinator coordinator, AuditRecords records, Ownership ownership, JdbcTemplate jdbc) {
        return new SagaRequests(coordinator, records, ownership, jdbc);
    }

    /** What changes no saga: refused labs and messages, workers' presence. */
    @Bean
    AuditRecords auditRecords(AuditLog audit, SagaRepository repo, PlatformTransactionManager txm) {
        return new AuditRecords(audit, repo, new TransactionTemplate(txm), Clock.systemUTC());
    }

    @Bean
    SagaReads sagaReads(SagaRepository repo, PlatformTransactionManager txm) {
        return new SagaReads(repo, txm);
    }

    /** Which orchestrator owns the sagas: a lease and a fencing epoch in PostgreSQL. */
    @Bean
    Ownership ownership(JdbcTemplate jdbc, OrchestratorProperties props) {
        return new Ownership(jdbc, props.instance(), props.lease());
    }

    @Bean
    LabSubmissions labSubmissions(SagaRequests requests, SagaRepository repo, ApiProperties api) {
        return new LabSubmissions(Features.PARSER.withMaxHosts(api.maxHosts(), "labforge.api.max-hosts"), Planners.all(), requests,
                repo::labSource, repo::neverSeen);
    }

    @Bean
    Auditors auditors(JdbcTemplate jdbc, PlatformTransactionManager txm, AuditLog audit, BusCa ca, KafkaAcls acls) {
        return new Auditors(jdbc, new TransactionTemplate(txm), audit, Clock.systemUTC(), ca, acls);
    }

    @Bean
    OrchestratorRuntime orchestratorRuntime(Ownership ownership, SagaCoordinator coordinator, SagaRequests requests, OutboxRelay relay,
            OrchestratorProperties props, WorkerIdentities identities, Bus bus, AuditRecords records, HostLiveness liveness,
            JdbcTemplate jdbc, AuditLog audit, KeyPair keys) {
        return new OrchestratorRuntime(ownership, coordinator, requests, relay,
                new EventConsumer(coordinator, records, new SenderCheck(identities), bus, props.eventBatch()),
                new PresenceConsumer(records, new SenderCheck(identities), bus, liveness),
                new AuditTopic(jdbc, audit, keys.getPrivate(), bus), props.tick(), bus, props.topicReplication());
    }
}
