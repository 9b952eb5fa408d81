package io.labforge.orchestrator.runtime;

import io.labforge.common.messaging.Bus;
import io.labforge.common.messaging.Topics;
import io.labforge.common.signing.EnvelopeSigner;
import io.labforge.orchestrator.audit.AuditCloudEvents;
import io.labforge.orchestrator.audit.AuditEntry;
import io.labforge.orchestrator.audit.AuditLog;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The audit log as a Kafka topic for auditors ({@value Topics#AUDIT}, one partition): the owner publishes each committed
 * row, in order, as a CloudEvent 1.0 in the JSON event format, in the structured mode of CloudEvents' Kafka binding
 * (header {@code content-type: application/cloudevents+json}), keyed by its saga. Each record is signed by the
 * orchestrator: header {@code labforge-signer} ({@code orchestrator}) and {@code labforge-signature}, the Base64 Ed25519
 * signature of the record's value, checked with the orchestrator's public key ({@code orchestrator.pub}) and any
 * Ed25519 library. At least once: the last row published is kept in {@code audit_topic}, and a crash between a send and
 * its update sends the rows after it again; the event id (the row's seq) tells a reader what it has seen.
 */
public final class AuditTopic implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditTopic.class);
    public static final String SIGNER_HEADER = "labforge-signer";
    public static final String SIGNATURE_HEADER = "labforge-signature";
    static final int BATCH = 500;
    static final Duration IDLE = Duration.ofMillis(500);

    private final JdbcTemplate jdbc;
    private final AuditLog audit;
    private final PrivateKey key;
    private final Supplier<Producer<String, byte[]>> producers;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running = true;

    public AuditTopic(JdbcTemplate jdbc, AuditLog audit, PrivateKey orchestratorKey, Bus bus) {
        this(jdbc, audit, orchestratorKey, () -> new KafkaProducer<>(KafkaSetup.producer(bus)));
    }

    AuditTopic(JdbcTemplate jdbc, AuditLog audit, PrivateKey orchestratorKey, Supplier<Producer<String, byte[]>> producers) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.key = orchestratorKey;
        this.producers = producers;
    }

    public void reopen() {
        wake.drainPermits();
        running = true;
    }

    public void stop() {
        running = false;
        wake.release();
    }

    @Override
    public void run() {
        try (Producer<String, byte[]> producer = producers.get()) {
            while (running) {
                try {
                    if (publish(producer) < BATCH) {
                        wake.tryAcquire(IDLE.toMillis(), TimeUnit.MILLISECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException | java.util.concurrent.ExecutionException e) {
                    LOG.warn("publishing the audit log to {} failed: {} — trying again", Topics.AUDIT, e.toString());
                    wake.tryAcquire(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sends the rows after the last one published, up to {@link #BATCH}, and records how far it got; returns how many.
     * Nothing while no auditor is registered (no reader, no cost: signing and sending every row is a few hundred
     * microseconds of CPU per step); the first auditor then gets the whole log from where it stopped.
     */
    int publish(Producer<String, byte[]> producer) throws InterruptedException, java.util.concurrent.ExecutionException {
        if (!Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM auditor)", Boolean.class))) {
            return 0;
        }
        long last = jdbc.queryForObject("SELECT last_seq FROM audit_topic WHERE id = 1", Long.class);
        List<AuditEntry> rows = audit.list(null, last, BATCH);
        if (rows.isEmpty()) {
            return 0;
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (AuditEntry e : rows) {
            sent.add(producer.send(record(e)));
        }
        producer.flush();
        for (Future<RecordMetadata> f : sent) {
            f.get();
        }
        jdbc.update("UPDATE audit_topic SET last_seq = ? WHERE id = 1 AND last_seq < ?", rows.get(rows.size() - 1).seq(),
                rows.get(rows.size() - 1).seq());
        return rows.size();
    }

    ProducerRecord<String, byte[]> record(AuditEntry e) {
        byte[] value = AuditCloudEvents.json(e).getBytes(StandardCharsets.UTF_8);
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", "application/cloudevents+json; charset=UTF-8".getBytes(StandardCharsets.UTF_8));
        headers.add(SIGNER_HEADER, EnvelopeSigner.ORCHESTRATOR.getBytes(StandardCharsets.UTF_8));
        headers.add(SIGNATURE_HEADER, sign(value).getBytes(StandardCharsets.US_ASCII));
        return new ProducerRecord<>(Topics.AUDIT, null, e.sagaId() == null ? null : e.sagaId().toString(), value, headers);
    }

    private String sign(byte[] value) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(value);
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("cannot sign an audit event with the orchestrator's key", ex);
        }
    }
}
