package io.labforge.agent.runtime;

import io.labforge.common.agent.AgentPresence;
import io.labforge.common.exec.HostRoot;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.KafkaClients;
import io.labforge.common.messaging.Topics;
import io.labforge.common.worker.CommandProcessor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's connection to Kafka. It reads only the partition of the command topic its host id
 * hashes to, skips records keyed for other hosts, runs its own commands one at a time, sends the
 * events, and commits the offset only after the events are acknowledged (a crash redelivers, the
 * journal answers).
 *
 * <p>Plain kafka-clients rather than a Spring listener container: the agent assigns itself one
 * partition computed at start, which is simpler to read here than a container configured for it.
 */
public final class AgentLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLoop.class);

    private final CommandProcessor processor;
    private final String bootstrapServers;
    private final HostRoot root;
    private final Duration heartbeat;
    private final Clock clock;
    private final String agentVersion;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean ready;
    private volatile TopicPartition assigned;
    private Thread thread;

    public AgentLoop(CommandProcessor processor, String bootstrapServers, HostRoot root, Duration heartbeat, Clock clock,
            String agentVersion) {
        this.processor = processor;
        this.bootstrapServers = bootstrapServers;
        this.root = root;
        this.heartbeat = heartbeat;
        this.clock = clock;
        this.agentVersion = agentVersion;
    }

    /** The one partition of the command topic this agent reads (null until it does). */
    public TopicPartition assignedPartition() {
        return assigned;
    }

    /** True once the agent reads its partition. */
    public boolean ready() {
        return ready;
    }

    /** Runs the loop on a thread of its own. */
    public synchronized void start() {
        thread = new Thread(this, "agent-" + processor.hostId());
        thread.start();
    }

    /** Stops the loop and waits (10 s at most) for the command in hand to finish. */
    public void stop() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run() {
        String host = processor.hostId();
        long started = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(bootstrapServers));
                KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps(bootstrapServers, host))) {
            consumer = c;
            TopicPartition partition = partition(c, host);
            c.assign(List.of(partition));
            assigned = partition;
            c.position(partition);
            ready = true;
            LOG.info("agent {} reads partition {}", host, partition);
            send(producer, Topics.AGENT_PRESENCE, host,
                    Envelope.of(new AgentPresence.Announced(host, agentVersion, Facts.gather(root, processor.sealingPublicKey())), null, null, null, 0,
                            host, null, clock.instant(), null, false)).get();
            Instant nextBeat = clock.instant().plus(heartbeat);
            while (running) {
                ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(500));
                List<Future<RecordMetadata>> sent = java.util.Collections.synchronizedList(new ArrayList<>());
                for (ConsumerRecord<String, byte[]> r : records) {
                    if (!host.equals(r.key())) {
                        continue; // another host whose id hashes to the same partition
                    }
                    Envelope cmd;
                    try {
                        cmd = Envelope.fromBytes(r.value());
                    } catch (RuntimeException e) {
                        LOG.warn("skipped an undecodable record at {}: {}", r.offset(), e.getMessage());
                        continue;
                    }
                    processor.handle(cmd, ev -> sent.add(send(producer, Topics.STEP_EVENTS, ev.sagaId(), ev)));
                }
                if (!records.isEmpty()) {
                    for (Future<RecordMetadata> f : new ArrayList<>(sent)) {
                        f.get();
                    }
                    c.commitSync(Map.of(partition, new OffsetAndMetadata(c.position(partition))));
                }
                if (!clock.instant().isBefore(nextBeat)) {
                    send(producer, Topics.AGENT_PRESENCE, host, Envelope.of(new AgentPresence.Heartbeat(host,
                            System.currentTimeMillis() - started), null, null, null, 0, host, null, clock.instant(), null,
                            false));
                    nextBeat = clock.instant().plus(heartbeat);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.error("agent {} stopped on an error", host, e);
        } finally {
            ready = false;
        }
    }

    private TopicPartition partition(KafkaConsumer<String, byte[]> c, String host) throws InterruptedException {
        while (running) {
            List<PartitionInfo> parts = c.partitionsFor(Topics.AGENT_COMMANDS, Duration.ofSeconds(10));
            if (parts != null && !parts.isEmpty()) {
                return new TopicPartition(Topics.AGENT_COMMANDS, Topics.partitionFor(host, parts.size()));
            }
            LOG.info("waiting for topic {} (the orchestrator creates it)", Topics.AGENT_COMMANDS);
            Thread.sleep(1000);
        }
        throw new WakeupException();
    }

    private static Future<RecordMetadata> send(KafkaProducer<String, byte[]> p, String topic, String key, Envelope e) {
        return p.send(new ProducerRecord<>(topic, key, e.toBytes()));
    }

    static Properties producerProps(String servers) {
        return KafkaClients.producer(servers);
    }

    static Properties consumerProps(String servers, String host) {
        Properties p = KafkaClients.consumer(servers, "labforge-agent-" + host);
        // a long step (a package install) must not get the agent thrown out of its group
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 30 * 60 * 1000);
        return p;
    }
}
