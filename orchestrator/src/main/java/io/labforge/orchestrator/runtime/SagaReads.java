package io.labforge.orchestrator.runtime;

import io.labforge.common.id.SagaId;
import io.labforge.orchestrator.persistence.SagaRepository;
import io.labforge.orchestrator.saga.Saga;
import io.labforge.orchestrator.saga.SagaStatus;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sagas as PostgreSQL has them committed, for the API and the command line, on any orchestrator
 * (owner or standby). Read off the saga loop, each in one repeatable-read transaction (its steps and
 * its status agree): a reader never waits for the sagas, nor they for a reader.
 */
public final class SagaReads {
    private final SagaRepository repo;
    private final TransactionTemplate reads;

    public SagaReads(SagaRepository repo, PlatformTransactionManager txm) {
        this.repo = repo;
        this.reads = new TransactionTemplate(txm);
        reads.setReadOnly(true);
        reads.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    }

    public Optional<Saga> snapshot(SagaId id) {
        return reads.execute(t -> repo.load(id));
    }

    public SagaStatus status(SagaId id) {
        return snapshot(id).map(Saga::status).orElseThrow(() -> new SagaNotFound(id.toString()));
    }

    /** The ids of the commands a saga waits for an answer to (for tests that answer in a worker's place). */
    public List<UUID> awaited(SagaId id) {
        return snapshot(id).map(s -> s.steps().stream().map(r -> r.messageId()).filter(m -> m != null).toList()).orElse(List.of());
    }
}
