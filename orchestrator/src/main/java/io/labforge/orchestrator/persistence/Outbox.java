package io.labforge.orchestrator.persistence;

import io.labforge.orchestrator.persistence.SagaRepository.OutboxRow;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** The outbox as the relay sees it: rows to send, and rows to forget once the broker has them. */
public interface Outbox {
    /** Rows written at least {@code age} ago, oldest first. */
    List<OutboxRow> outboxOlderThan(Duration age, int limit);

    void deleteOutboxMessages(Collection<UUID> messageIds);
}
