package io.labforge.orchestrator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labforge.orchestrator.persistence.Outbox;
import io.labforge.orchestrator.persistence.SagaRepository.OutboxRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay with Kafka's own {@link MockProducer} (acknowledgements given by the test) and an outbox in
 * memory on a clock the test moves: what is handed over leaves at once and in order, a row leaves the
 * outbox only once acknowledged, what a failed send or a stopped orchestrator left is swept and sent
 * again, and nothing is sent twice while it is in flight.
 */
class OutboxRelayTest {
    final MutableClock clock = new MutableClock();
    final MemoryOutbox outbox = new MemoryOutbox(clock);
    final MockProducer<String, byte[]> producer = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    OutboxRelay relay;
    Thread thread;

    void start() {
        relay = new OutboxRelay(outbox, () -> producer, clock);
        thread = new Thread(relay, "relay");
        thread.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (relay != null) {
            relay.stop();
            thread.join(5_000);
        }
    }

    @Test
    void handedOverRowsLeaveAtOnceInOrderAndAreDeletedOnceAcknowledged() {
        start();
        List<OutboxRow> rows = List.of(outbox.add("h1"), outbox.add("h2"), outbox.add("h1"));
        relay.handOver(rows);

        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 3);
        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("h1", "h2", "h1");
        assertThat(outbox.rows()).as("not acknowledged yet: still in the outbox").hasSize(3);

        producer.completeNext();
        producer.completeNext();
        producer.completeNext();
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.rows().isEmpty());
        assertThat(producer.history()).hasSize(3);
    }

    @Test
    void aFailedSendStaysAndIsSweptAgainOnceOldEnough() {
        start();
        OutboxRow row = outbox.add("h1");
        relay.handOver(List.of(row));
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
        producer.errorNext(new RuntimeException("broker away"));

        clock.advance(OutboxRelay.SWEEP_AGE.plusSeconds(1));
        relay.wakeUp();
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 2);
        assertThat(producer.history().get(1).value()).isEqualTo(row.envelope());
        producer.completeNext();
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.rows().isEmpty());
    }

    @Test
    void whatAStoppedOrchestratorLeftIsSentAtStartAndARowInFlightIsNotSentTwice() {
        OutboxRow left = outbox.add("h1");
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
        assertThat(producer.history().get(0).value()).isEqualTo(left.envelope());

        // unacknowledged and old: the sweeps leave it alone while it is in flight
        clock.advance(Duration.ofSeconds(10));
        relay.wakeUp();
        relay.handOver(List.of(left));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> producer.history().size() == 1);
        producer.completeNext();
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.rows().isEmpty());
    }

    /** The outbox in memory, rows stamped with the test's clock. */
    static final class MemoryOutbox implements Outbox {
        private final Clock clock;
        private final Map<UUID, OutboxRow> rows = new LinkedHashMap<>();
        private final Map<UUID, Instant> written = new LinkedHashMap<>();

        MemoryOutbox(Clock clock) {
            this.clock = clock;
        }

        synchronized OutboxRow add(String host) {
            UUID id = UUID.randomUUID();
            OutboxRow r = new OutboxRow(rows.size() + 1, "labforge.agent.commands", host, id, ("command " + id).getBytes());
            rows.put(id, r);
            written.put(id, clock.instant());
            return r;
        }

        synchronized List<OutboxRow> rows() {
            return new ArrayList<>(rows.values());
        }

        @Override
        public synchronized List<OutboxRow> outboxOlderThan(Duration age, int limit) {
            Instant before = clock.instant().minus(age);
            return rows.values().stream().filter(r -> !written.get(r.messageId()).isAfter(before)).limit(limit).toList();
        }

        @Override
        public synchronized void deleteOutboxMessages(Collection<UUID> ids) {
            ids.forEach(rows::remove);
        }
    }

    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-01T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
