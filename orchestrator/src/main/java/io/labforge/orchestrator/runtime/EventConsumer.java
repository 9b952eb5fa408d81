package io.labforge.orchestrator.runtime;

import io.labforge.common.messaging.Bus;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.Topics;
import io.labforge.orchestrator.trust.RefusalThrottle;
import io.labforge.orchestrator.trust.SenderCheck;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads step events and hands them to the coordinator, once each has passed the {@link SenderCheck}
 * (signed by a registered worker with its registered key); what fails it is dropped and audited
 * ({@code event.refused}; throttled). Offsets are committed only after the coordinator's transaction: a
 * crash in between redelivers, and the inbox drops what was already taken. It runs only in the
 * orchestrator that owns the sagas. Presence (announcements, heartbeats) has a consumer of its own,
 * {@link PresenceConsumer}, so that heartbeats are never queued behind a backlog of step events.
 */
public final class EventConsumer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(EventConsumer.class);

    private final SagaCoordinator coordinator;
    private final AuditRecords records;
    private final SenderCheck senders;
    private final RefusalThrottle throttle = new RefusalThrottle(Clock.systemUTC());
    private final Bus bus;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;

    private final int batch;

    /** {@code batch}: at most this many records per poll, so per saga-loop transaction. */
    public EventConsumer(SagaCoordinator coordinator, AuditRecords records, SenderCheck senders, Bus bus, int batch) {
        this.coordinator = coordinator;
        this.records = records;
        this.senders = senders;
        this.bus = bus;
        this.batch = batch;
    }

    /** Makes a stopped consumer ready to run again (for the next time this orchestrator owns the sagas). */
    public void reopen() {
        running = true;
    }

    public void stop() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    public void run() {
        while (running) {
            Properties props = KafkaSetup.consumer(bus, "labforge-orchestrator");
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batch);
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
                consumer = c;
                // assigned, not subscribed: the group has no members, so a new owner reads at once from the
                // committed offsets instead of waiting out the dead owner's session in a rebalance
                List<TopicPartition> partitions = new ArrayList<>();
                for (PartitionInfo p : c.partitionsFor(Topics.STEP_EVENTS)) {
                    partitions.add(new TopicPartition(Topics.STEP_EVENTS, p.partition()));
                }
                c.assign(partitions);
                while (running) {
                    ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(500));
                    List<Envelope> steps = new ArrayList<>();
                    for (ConsumerRecord<String, byte[]> r : records) {
                        Envelope e;
                        try {
                            e = Envelope.fromBytes(r.value());
                        } catch (RuntimeException ex) {
                            LOG.warn("skipped an undecodable record on {}: {}", r.topic(), ex.getMessage());
                            continue;
                        }
                        Optional<String> refusal = senders.refusal(e);
                        if (refusal.isEmpty()) {
                            steps.add(e);
                        } else {
                            refuse("event.refused", e, refusal.get());
                        }
                    }
                    coordinator.onEvents(steps);
                    if (!records.isEmpty()) {
                        // async: a lost commit only redelivers what the inbox already holds
                        c.commitAsync();
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warn("event consumer: {} — reconnecting from the last committed offsets", e.toString(), e);
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    /** Drops a message that failed the sender check; audits it (once a minute per signer and reason). */
    private void refuse(String action, Envelope e, String reason) {
        LOG.warn("refused a {} message {} signed as '{}': {}", e.type(), e.messageId(), e.signer(), reason);
        if (throttle.audit(action + " " + e.signer(), reason)) {
            records.messageRefused(action, e, reason);
        }
    }
}
