package io.labforge.common.worker;

import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.KafkaClients;
import io.labforge.common.messaging.Topics;
import io.labforge.common.step.StepEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The loop of a service worker (gitlab-service, cluster-service): reads its command topic as a
 * consumer group, turns each command into events, sends them on the step-event topic, and commits
 * once they are acknowledged.
 */
public final class WorkerLoop implements Runnable {
    private final String servers;
    private final String topic;
    private final String group;
    /** Takes a command and emits its events (as envelopes: the CommandProcessor builds its own). */
    private final java.util.function.BiConsumer<Envelope, java.util.function.Consumer<Envelope>> handler;
    private final String worker;
    private volatile boolean running = true;
    /** What the worker announces on the presence topic when it starts (null: nothing, as a worker without secrets). */
    private final Envelope announcement;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    public WorkerLoop(String servers, String topic, String worker, Function<Envelope, List<Object>> handler) {
        this(servers, topic, worker, null, (cmd, emit) -> handler.apply(cmd).forEach(event -> emit.accept(Envelope.of(event,
                cmd.labId(), cmd.sagaId(), cmd.stepId(), cmd.attempt(), worker, cmd.messageId(), Instant.now(), null, cmd.dryRun()))));
    }

    private WorkerLoop(String servers, String topic, String worker, Envelope announcement,
            java.util.function.BiConsumer<Envelope, java.util.function.Consumer<Envelope>> handler) {
        this.announcement = announcement;
        this.servers = servers;
        this.topic = topic;
        this.group = "labforge-" + worker;
        this.worker = worker;
        this.handler = handler;
    }

    /** A worker whose commands a {@link CommandProcessor} runs: signatures, journal, sealing and events as an agent's. */
    public static WorkerLoop running(String servers, String topic, CommandProcessor processor) {
        return new WorkerLoop(servers, topic, processor.hostId(), announcement(processor), processor::handle);
    }

    /**
     * A worker with a sealing key announces it as an agent does (its id, its key), so the orchestrator
     * can seal the secrets it sends there.
     */
    private static Envelope announcement(CommandProcessor processor) {
        if (processor.sealingPublicKey() == null) {
            return null;
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = processor.hostId();
        }
        String version = WorkerLoop.class.getPackage().getImplementationVersion();
        return Envelope.of(new io.labforge.common.agent.AgentPresence.Announced(processor.hostId(), version == null ? "dev" : version,
                new io.labforge.common.agent.AgentPresence.Facts(host, System.getProperty("os.name"), System.getProperty("os.version"),
                        List.of(), List.of(), processor.sealingPublicKey())), null, null, null, 0, processor.hostId(), null, Instant.now(), null, false);
    }

    /**
     * Sends the announcement from a thread of its own until Kafka takes it: a worker started before the
     * orchestrator made the presence topic (sending waits for it) still takes its commands meanwhile,
     * and announces once the topic exists.
     */
    private void announce(KafkaProducer<String, byte[]> p) {
        Thread t = new Thread(() -> {
            while (running) {
                try {
                    p.send(new ProducerRecord<>(Topics.AGENT_PRESENCE, worker, announcement.toBytes())).get(30, java.util.concurrent.TimeUnit.SECONDS);
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
                    if (!running) {
                        return;
                    }
                    org.slf4j.LoggerFactory.getLogger(WorkerLoop.class).warn("{}: announcing its sealing key failed ({}); trying again", worker,
                            e.getCause() == null ? e.toString() : e.getCause().toString());
                    try {
                        Thread.sleep(5_000);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }, worker + "-announce");
        t.setDaemon(true);
        t.start();
    }

    /** Runs the loop on a thread of its own. */
    public synchronized void start() {
        thread = new Thread(this, worker);
        thread.start();
    }

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
        Properties cp = KafkaClients.consumer(servers, group);
        Properties pp = KafkaClients.producer(servers);
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(cp); KafkaProducer<String, byte[]> p = new KafkaProducer<>(pp)) {
            consumer = c;
            c.subscribe(List.of(topic));
            if (announcement != null) {
                announce(p);
            }
            while (running) {
                List<Future<RecordMetadata>> acks = new ArrayList<>();
                var records = c.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, byte[]> r : records) {
                    Envelope cmd;
                    try {
                        cmd = Envelope.fromBytes(r.value());
                    } catch (RuntimeException e) {
                        continue;
                    }
                    handler.accept(cmd, ev -> acks.add(p.send(new ProducerRecord<>(Topics.STEP_EVENTS, cmd.sagaId(), ev.toBytes()))));
                }
                for (Future<RecordMetadata> f : acks) {
                    f.get();
                }
                if (!records.isEmpty()) {
                    c.commitSync();
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(worker + ": Kafka refused an event", e);
        }
    }
}
