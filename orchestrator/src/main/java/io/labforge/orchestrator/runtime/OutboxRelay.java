package io.labforge.orchestrator.runtime;

import io.labforge.orchestrator.persistence.SagaRepository;
import io.labforge.orchestrator.persistence.SagaRepository.OutboxRow;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox to Kafka, in order, and deletes a row once the broker has acknowledged it. A
 * crash between the send and the delete sends the row again: the agent's journal and the
 * orchestrator's inbox make that harmless. Woken after each commit that queued commands, and every
 * 200 ms in case a wake-up was missed.
 */
public final class OutboxRelay implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int BATCH = 1000;

    private final SagaRepository repo;
    private final String servers;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running = true;

    public OutboxRelay(SagaRepository repo, String servers) {
        this.repo = repo;
        this.servers = servers;
    }

    public void wakeUp() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    public void stop() {
        running = false;
        wake.release();
    }

    @Override
    public void run() {
        // Pipelined: a batch is sent without waiting for the previous one's acks; acknowledged rows are
        // deleted as acks come back. After a failed send everything still in the table is sent again
        // (duplicates are harmless: the agent's journal and the inbox drop them).
        java.util.concurrent.ConcurrentLinkedQueue<Long> acked = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        long lastSent = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaSetup.producer(servers))) {
            while (running) {
                try {
                    if (failed.getAndSet(false)) {
                        producer.flush();
                        lastSent = 0;
                    }
                    List<OutboxRow> rows = repo.pendingOutbox(lastSent, BATCH);
                    for (OutboxRow r : rows) {
                        producer.send(new ProducerRecord<>(r.topic(), r.key(), r.envelope()), (meta, error) -> {
                            if (error == null) {
                                acked.add(r.id());
                            } else {
                                LOG.warn("outbox relay: {} not sent ({}); sending again", r.messageId(), error.toString());
                                failed.set(true);
                            }
                        });
                        lastSent = r.id();
                    }
                    List<Long> done = new ArrayList<>();
                    for (Long id = acked.poll(); id != null; id = acked.poll()) {
                        done.add(id);
                    }
                    if (!done.isEmpty()) {
                        repo.deleteOutbox(done);
                    }
                    if (rows.size() < BATCH) {
                        wake.tryAcquire(done.isEmpty() ? 200 : 20, TimeUnit.MILLISECONDS);
                        wake.drainPermits();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    if (running) {
                        LOG.warn("outbox relay: {} — retrying in 1s", e.toString());
                        failed.set(true);
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
            List<Long> done = new ArrayList<>(acked);
            if (!done.isEmpty()) {
                try {
                    repo.deleteOutbox(done);
                } catch (RuntimeException e) {
                    LOG.warn("outbox relay: acknowledged rows not deleted at stop ({}); they will be sent again", e.toString());
                }
            }
        }
    }
}
