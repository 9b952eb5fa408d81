package io.labforge.orchestrator.runtime;

import io.labforge.common.messaging.Bus;
import io.labforge.orchestrator.persistence.Outbox;
import io.labforge.orchestrator.persistence.SagaRepository.OutboxRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox to Kafka and deletes a row once the broker has acknowledged it. The saga loop hands
 * the rows of each transaction over in memory right after its commit, so a command leaves without a
 * read of the table; a sweep sends every row older than {@link #SWEEP_AGE} that is still there (an
 * orchestrator that stopped before sending, a send that failed). A crash between the send and the
 * delete sends the row again: the agent's journal and the orchestrator's inbox make that harmless.
 * Per key (a host) rows leave in commit order: one thread sends, in the order handed over.
 */
public final class OutboxRelay implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    static final Duration SWEEP_AGE = Duration.ofSeconds(3);
    private static final int BATCH = 1000;

    private final Outbox repo;
    private final Supplier<Producer<String, byte[]>> producers;
    private final Clock clock;
    private final Semaphore wake = new Semaphore(0);
    private final ConcurrentLinkedQueue<OutboxRow> handedOver = new ConcurrentLinkedQueue<>();
    /** Sent, not yet acknowledged: the sweep leaves these alone. */
    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;

    public OutboxRelay(Outbox outbox, Bus bus) {
        this(outbox, () -> new KafkaProducer<>(KafkaSetup.producer(bus)), Clock.systemUTC());
    }

    /** {@code producers}: makes the producer the relay sends with (Kafka's, or a test's). */
    OutboxRelay(Outbox outbox, Supplier<Producer<String, byte[]>> producers, Clock clock) {
        this.repo = outbox;
        this.producers = producers;
        this.clock = clock;
    }

    /** The rows a transaction committed: sent at once. */
    public void handOver(List<OutboxRow> rows) {
        if (!rows.isEmpty()) {
            handedOver.addAll(rows);
            wakeUp();
        }
    }

    public void wakeUp() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    /** Makes a stopped relay ready to run again; what was handed over meanwhile is the outbox's to sweep. */
    public void reopen() {
        handedOver.clear();
        inFlight.clear();
        wake.drainPermits();
        running = true;
    }

    public void stop() {
        running = false;
        wake.release();
    }

    @Override
    public void run() {
        ConcurrentLinkedQueue<UUID> acked = new ConcurrentLinkedQueue<>();
        Set<UUID> done = new LinkedHashSet<>(); // acknowledged, not yet deleted: the sweep leaves these alone too
        Instant nextSweep = Instant.MIN; // at start: everything a previous orchestrator left
        try (Producer<String, byte[]> producer = producers.get()) {
            while (running) {
                try {
                    List<OutboxRow> rows = new ArrayList<>();
                    for (OutboxRow r = handedOver.poll(); r != null; r = handedOver.poll()) {
                        rows.add(r);
                    }
                    Instant now = clock.instant();
                    if (!now.isBefore(nextSweep)) {
                        // the first sweep takes everything a previous orchestrator left; later ones what stayed too long
                        Duration age = nextSweep == Instant.MIN ? Duration.ZERO : SWEEP_AGE;
                        for (OutboxRow r : repo.outboxOlderThan(age, BATCH)) {
                            if (!inFlight.contains(r.messageId()) && !done.contains(r.messageId())) {
                                rows.add(r);
                            }
                        }
                        nextSweep = now.plusSeconds(1);
                    }
                    for (OutboxRow r : rows) {
                        if (!inFlight.add(r.messageId())) {
                            continue; // handed over and swept at once: one send is enough
                        }
                        producer.send(new ProducerRecord<>(r.topic(), r.key(), r.envelope()), (meta, error) -> {
                            inFlight.remove(r.messageId());
                            if (error == null) {
                                acked.add(r.messageId());
                            } else {
                                LOG.warn("outbox relay: {} not sent ({}); the sweep sends it again", r.messageId(), error.toString());
                            }
                        });
                    }
                    for (UUID id = acked.poll(); id != null; id = acked.poll()) {
                        done.add(id);
                    }
                    // the delete waits while more rows are handed over: sending them comes first
                    boolean deleted = false;
                    if (!done.isEmpty() && (handedOver.isEmpty() || done.size() >= BATCH)) {
                        repo.deleteOutboxMessages(done);
                        done.clear();
                        deleted = true;
                    }
                    if (handedOver.isEmpty()) {
                        wake.tryAcquire(inFlight.isEmpty() && !deleted && done.isEmpty() ? 200 : 5, TimeUnit.MILLISECONDS);
                        wake.drainPermits();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    if (running) {
                        LOG.warn("outbox relay: {} — retrying in 1s (unsent rows are swept again)", e.toString());
                        try {
                            Thread.sleep(1000);
                        } catch (InterruptedException ie) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }
            producer.flush();
            done.addAll(acked);
            if (!done.isEmpty()) {
                try {
                    repo.deleteOutboxMessages(done);
                } catch (RuntimeException e) {
                    LOG.warn("outbox relay: acknowledged rows not deleted at stop ({}); they will be sent again", e.toString());
                }
            }
        }
    }
}
