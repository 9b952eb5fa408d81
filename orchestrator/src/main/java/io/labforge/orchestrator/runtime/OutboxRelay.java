package io.labforge.orchestrator.runtime;

import io.labforge.orchestrator.persistence.SagaRepository;
import io.labforge.orchestrator.persistence.SagaRepository.OutboxRow;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaSetup.producer(servers))) {
            while (running) {
                try {
                    List<OutboxRow> rows = repo.pendingOutbox(BATCH);
                    if (!rows.isEmpty()) {
                        List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
                        for (OutboxRow r : rows) {
                            acks.add(producer.send(new ProducerRecord<>(r.topic(), r.key(), r.envelope())));
                        }
                        List<Long> sent = new ArrayList<>(rows.size());
                        for (int i = 0; i < rows.size(); i++) {
                            acks.get(i).get(30, TimeUnit.SECONDS);
                            sent.add(rows.get(i).id());
                        }
                        repo.deleteOutbox(0, sent);
                    }
                    if (rows.size() < BATCH) {
                        wake.tryAcquire(200, TimeUnit.MILLISECONDS);
                        wake.drainPermits();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    if (running) {
                        LOG.warn("outbox relay: {} — retrying in 1s", e.toString());
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
    }
}
