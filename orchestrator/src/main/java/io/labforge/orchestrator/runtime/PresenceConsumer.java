package io.labforge.orchestrator.runtime;

import io.labforge.common.agent.AgentPresence;
import io.labforge.common.features.Features;
import io.labforge.common.messaging.Bus;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.Json;
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
 * Reads the workers' presence (announcements, heartbeats), apart from the step events: a lab of hundreds
 * of hosts sends thousands of step events at once, and a heartbeat queued behind them would make its host
 * look silent. Each message must pass the {@link SenderCheck} (a refusal is dropped and audited as
 * {@code presence.refused}, throttled); an announcement is recorded with its facts and audited, a
 * heartbeat updates the host's last-seen time; both tell {@link HostLiveness}. While even the newest record
 * of a poll was written more than {@link HostLiveness#POLL_GAP} ago (a backlog after a restart or an
 * outage), it tells the liveness it is not listening yet, so no host is judged on a word it has not read. It runs only in
 * the orchestrator that owns the sagas.
 */
public final class PresenceConsumer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(PresenceConsumer.class);

    private final AuditRecords records;
    private final SenderCheck senders;
    private final Bus bus;
    private final HostLiveness liveness;
    private final RefusalThrottle throttle = new RefusalThrottle(Clock.systemUTC());
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;

    public PresenceConsumer(AuditRecords records, SenderCheck senders, Bus bus, HostLiveness liveness) {
        this.records = records;
        this.senders = senders;
        this.bus = bus;
        this.liveness = liveness;
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
        try {
            consume();
        } finally {
            liveness.deaf(); // no host is judged while nothing is heard
        }
    }

    private void consume() {
        while (running) {
            Properties props = KafkaSetup.consumer(bus, "labforge-orchestrator");
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
                consumer = c;
                List<TopicPartition> partitions = new ArrayList<>();
                for (PartitionInfo p : c.partitionsFor(Topics.AGENT_PRESENCE)) {
                    partitions.add(new TopicPartition(Topics.AGENT_PRESENCE, p.partition()));
                }
                c.assign(partitions);
                while (running) {
                    ConsumerRecords<String, byte[]> batch = c.poll(Duration.ofMillis(500));
                    long newest = Long.MIN_VALUE;
                    for (ConsumerRecord<String, byte[]> r : batch) {
                        newest = Math.max(newest, r.timestamp());
                        try {
                            presence(Envelope.fromBytes(r.value()));
                        } catch (RuntimeException ex) {
                            LOG.warn("ignored a presence record: {}", ex.toString());
                        }
                    }
                    // even the newest record is old: catching up on a backlog, and listening starts once it is read (the
                    // newest, not the oldest: one host whose clock runs late must not keep the others from being judged)
                    if (newest != Long.MIN_VALUE && System.currentTimeMillis() - newest > HostLiveness.POLL_GAP.toMillis()) {
                        liveness.deaf();
                    } else {
                        liveness.polled();
                    }
                    if (!batch.isEmpty()) {
                        c.commitAsync();
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                liveness.deaf();
                if (running) {
                    LOG.warn("presence consumer: {} — reconnecting from the last committed offsets", e.toString());
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

    private void presence(Envelope e) {
        if (!(Features.TYPES.decode(e) instanceof AgentPresence p)) {
            return;
        }
        Optional<String> refusal = senders.presenceRefusal(e, p);
        if (refusal.isPresent()) {
            LOG.warn("refused a {} message {} signed as '{}': {}", e.type(), e.messageId(), e.signer(), refusal.get());
            if (throttle.audit("presence.refused " + e.signer(), refusal.get())) {
                records.messageRefused("presence.refused", e, refusal.get());
            }
            return;
        }
        liveness.heard(e.signer());
        if (p instanceof AgentPresence.Announced a) {
            records.presence(a.hostId(), Json.tree(a.facts()), a.agentVersion(), true);
        } else if (p instanceof AgentPresence.Heartbeat h) {
            records.presence(h.hostId(), null, null, false);
        }
    }
}
