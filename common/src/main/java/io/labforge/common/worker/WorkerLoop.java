package io.labforge.common.worker;

import io.labforge.common.agent.AgentPresence;
import io.labforge.common.messaging.Bus;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.Topics;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's connection to Kafka, for agents and services alike: takes its commands as its
 * {@link CommandSource} says, runs each through its {@link CommandProcessor} (one at a time), sends the
 * events (signed by the processor with the worker's identity, as is its presence) on the step-event topic, and commits only once they are acknowledged (a crash redelivers, the
 * journal answers). It announces itself on the presence topic (from a thread of its own, until Kafka
 * takes it: a worker started before the orchestrator made that topic takes its commands meanwhile) and,
 * when given a period, sends heartbeats.
 *
 * <p>Plain kafka-clients rather than a Spring listener container: an agent assigns itself one partition
 * computed at start, which reads more simply as this small loop.
 */
public final class WorkerLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerLoop.class);

    private final Bus bus;
    private final CommandSource source;
    private final CommandProcessor processor;
    private final Supplier<Envelope> announcement;
    private final Duration heartbeat;
    private final Clock clock;
    private final String worker;
    private volatile boolean running = true;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean ready;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    /**
     * {@code announcement}: what the worker says of itself when it starts (null: nothing, as a service
     * without secrets); {@code heartbeat}: how often it says it is alive (null: never).
     */
    public WorkerLoop(Bus bus, CommandSource source, CommandProcessor processor, Supplier<Envelope> announcement,
            Duration heartbeat, Clock clock) {
        this.bus = bus;
        this.source = source;
        this.processor = processor;
        this.announcement = announcement;
        this.heartbeat = heartbeat;
        this.clock = clock;
        this.worker = processor.hostId();
    }

    /** A service's loop: its command topic as a consumer group, and its sealing key announced when it has one. */
    public static WorkerLoop forService(Bus bus, String topic, CommandProcessor processor) {
        return new WorkerLoop(bus, CommandSource.group(topic, "labforge-" + processor.hostId()), processor,
                processor.sealingPublicKey() == null ? null : () -> serviceAnnouncement(processor), null, Clock.systemUTC());
    }

    /** A service announces its id and sealing key as an agent does, so the orchestrator can seal the secrets it sends there. */
    private static Envelope serviceAnnouncement(CommandProcessor processor) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = processor.hostId();
        }
        String version = WorkerLoop.class.getPackage().getImplementationVersion();
        return presence(new AgentPresence.Announced(processor.hostId(), version == null ? "dev" : version,
                new AgentPresence.Facts(host, System.getProperty("os.name"), System.getProperty("os.version"), List.of(), List.of(),
                        processor.sealingPublicKey())), processor.hostId(), Instant.now());
    }

    /** A presence message of this worker. */
    public static Envelope presence(AgentPresence payload, String worker, Instant at) {
        return Envelope.of(payload, null, null, null, 0, worker, null, at, null, false);
    }

    /** True once the worker reads its commands. */
    public boolean ready() {
        return ready;
    }

    public CommandSource source() {
        return source;
    }

    /** Runs the loop on a thread of its own. */
    public synchronized void start() {
        thread = new Thread(this, "worker-" + worker);
        thread.start();
    }

    /** Stops the loop and waits (10 s at most) for the command in hand to finish. */
    public void stop() {
        running = false;
        stopped.countDown();
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

    /** How long the loop waits before a new Kafka session after one failed: doubles from the first to the last. */
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    public static final Duration LAST_RETRY = Duration.ofSeconds(30);

    /**
     * Runs Kafka sessions until stopped. A session that fails (the broker away longer than the clients
     * wait, an ACL not yet applied after registration, a commit that timed out) is logged and started
     * again after a pause that grows to {@link #LAST_RETRY}: a worker outlives a broker outage. Commands
     * whose events were not acknowledged are read again by the next session and answered from the
     * processor's journal.
     */
    @Override
    public void run() {
        long started = System.currentTimeMillis();
        Duration pause = FIRST_RETRY;
        try {
            while (running) {
                boolean read = false;
                try {
                    read = session(started);
                } catch (WakeupException e) {
                    return;
                } catch (ExecutionException | RuntimeException e) {
                    if (!running) {
                        return;
                    }
                    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                    LOG.warn("{}: its Kafka session failed ({}); starting a new one in {} s{}", worker, cause.toString(), pause.toSeconds(),
                            cause instanceof org.apache.kafka.common.errors.AuthorizationException
                                    ? " (refused by the broker's ACLs: is this worker registered? agents by 'labforge hosts bootstrap',"
                                            + " services by 'labforge workers enrol')"
                                    : "");
                }
                if (read) {
                    pause = FIRST_RETRY;
                }
                if (running) {
                    if (stopped.await(pause.toMillis(), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                    pause = pause.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : pause.multipliedBy(2);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ready = false;
        }
    }

    /** One Kafka session: returns when stopped (true once it had read), throws when Kafka fails it. */
    private boolean session(long started) throws InterruptedException, ExecutionException {
        Properties cp = bus.consumer(source.groupId());
        // a long step (a package install) must not get the worker thrown out of its group
        cp.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 30 * 60 * 1000);
        Properties pp = bus.producer();
        // a worker's clients report their metrics to no one: nothing reads JMX on a lab host, and registering an MBean
        // per metric was part of an agent's start
        cp.put(CommonClientConfigs.METRIC_REPORTER_CLASSES_CONFIG, "");
        pp.put(CommonClientConfigs.METRIC_REPORTER_CLASSES_CONFIG, "");
        AtomicBoolean open = new AtomicBoolean(true);
        // the producer first, and the announcement goes out (from its own thread) while the consumer is made and finds
        // its partition and position: a command sent on hearing it waits in Kafka until then, and nothing is lost
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(pp)) {
            if (announcement != null && running) {
                announce(p, open);
            }
            return read(cp, p, open, started);
        } finally {
            open.set(false);
        }
    }

    /** The session's consumer: reads and runs commands until stopped (true once it had read). */
    private boolean read(Properties cp, KafkaProducer<String, byte[]> p, AtomicBoolean open, long started)
            throws InterruptedException, ExecutionException {
        boolean read = false;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(cp)) {
            consumer = c;
            if (!running) {
                return false;
            }
            source.attach(c);
            if (heartbeat != null) {
                beat(p, open, started);
            }
            while (running) {
                ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(500));
                read = true;
                ready = true;
                // events come from this thread and from the processor's "started" timer
                List<Future<RecordMetadata>> acks = Collections.synchronizedList(new ArrayList<>());
                for (ConsumerRecord<String, byte[]> r : records) {
                    if (!source.mine(r)) {
                        continue;
                    }
                    Envelope cmd;
                    try {
                        cmd = Envelope.fromBytes(r.value());
                    } catch (RuntimeException e) {
                        LOG.warn("{}: skipped an undecodable record at {}: {}", worker, r.offset(), e.getMessage());
                        continue;
                    }
                    processor.handle(cmd, ev -> acks.add(p.send(new ProducerRecord<>(Topics.STEP_EVENTS, ev.sagaId(), ev.toBytes()))));
                }
                if (!records.isEmpty()) {
                    for (Future<RecordMetadata> f : new ArrayList<>(acks)) {
                        f.get();
                    }
                    source.commit(c);
                }
            }
            return read;
        } finally {
            consumer = null;
            ready = false;
        }
    }

    /**
     * Sends a heartbeat every period from a thread of its own while the session lasts, so that a worker
     * busy with a long step (a package install) is still heard of: the orchestrator takes a worker that
     * falls silent for offline and fails its steps at once.
     */
    private void beat(KafkaProducer<String, byte[]> p, AtomicBoolean open, long started) {
        Thread t = new Thread(() -> {
            try {
                // the first one period after the session starts: the announcement goes first
                while (!stopped.await(heartbeat.toMillis(), TimeUnit.MILLISECONDS) && running && open.get()) {
                    p.send(new ProducerRecord<>(Topics.AGENT_PRESENCE, worker, processor.sign(presence(new AgentPresence.Heartbeat(worker,
                            System.currentTimeMillis() - started), worker, clock.instant())).toBytes()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // the producer closed with the session: the next session beats again
                if (running && open.get()) {
                    LOG.warn("{}: its heartbeat stopped ({}) until its next Kafka session", worker, e.toString());
                }
            }
        }, worker + "-heartbeat");
        t.setDaemon(true);
        t.start();
    }

    /** Sends the announcement from a thread of its own until Kafka takes it. */
    private void announce(KafkaProducer<String, byte[]> p, AtomicBoolean open) {
        Thread t = new Thread(() -> {
            while (running && open.get()) {
                try {
                    p.send(new ProducerRecord<>(Topics.AGENT_PRESENCE, worker, processor.sign(announcement.get()).toBytes())).get(30, TimeUnit.SECONDS);
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (ExecutionException | TimeoutException | RuntimeException e) {
                    if (!running || !open.get()) {
                        return;
                    }
                    LOG.warn("{}: announcing itself failed ({}); trying again", worker, e.getCause() == null ? e.toString() : e.getCause().toString());
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
}
