package io.labforge.orchestrator.runtime;

import io.labforge.common.id.SagaId;
import io.labforge.common.lab.LabError;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.audit.AuditLog;
import io.labforge.orchestrator.persistence.SagaRepository;
import io.labforge.orchestrator.saga.Saga;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the orchestrator records that changes no saga: a lab it refused, a message from Kafka that failed
 * the sender check, a worker's announcement or heartbeat. Each in a transaction of its own, off the saga
 * loop (the audit chain's head is locked while a row is appended, so writers need not take turns on it).
 */
public final class AuditRecords {
    private final AuditLog audit;
    private final SagaRepository repo;
    private final TransactionTemplate tx;
    private final Clock clock;

    public AuditRecords(AuditLog audit, SagaRepository repo, TransactionTemplate tx, Clock clock) {
        this.audit = audit;
        this.repo = repo;
        this.tx = tx;
        this.clock = clock;
    }

    /** A lab that failed validation: the only thing it writes. */
    public void labRejected(String actor, Saga.Mode mode, List<LabError> errors) {
        ObjectNode detail = Json.object().put("mode", mode.name());
        detail.set("errors", Json.tree(errors.stream().map(LabError::toString).toList()));
        append(new AuditLog.Record(actor, "lab.rejected", null, null, null, null, detail));
    }

    /** A message from Kafka that failed the sender check (it reached nothing else). */
    public void messageRefused(String action, Envelope e, String reason) {
        // what the sender wrote is kept short: a forger chooses it
        ObjectNode detail = Json.object().put("type", clip(e.type())).put("messageId", String.valueOf(e.messageId()))
                .put("signer", clip(e.signer())).put("reason", reason);
        append(new AuditLog.Record(SagaCoordinator.SYSTEM, action, clip(e.labId()), SagaCoordinator.sagaOf(e).map(SagaId::value).orElse(null),
                clip(e.stepId()), clip(e.signer()), detail));
    }

    /**
     * A worker's announcement (audited, with its facts) or heartbeat (its last-seen time only). An announcement
     * with another version than the host's last one is also audited as {@code agent.upgraded}, from and to.
     */
    public void presence(String host, JsonNode facts, String version, boolean announce) {
        tx.executeWithoutResult(t -> {
            Instant now = clock.instant();
            String before = announce ? repo.agentVersionForUpdate(host) : null;
            repo.recordPresence(host, facts, version, now, announce);
            if (announce) {
                ObjectNode detail = Json.object().put("agentVersion", version);
                detail.set("facts", facts);
                List<AuditLog.Record> records = new ArrayList<>();
                if (before != null && version != null && !before.equals(version)) {
                    records.add(new AuditLog.Record("agent:" + host, "agent.upgraded", null, null, null, host,
                            Json.object().put("from", before).put("to", version)));
                }
                records.add(new AuditLog.Record("agent:" + host, "host.announced", null, null, null, host, detail));
                audit.append(records, now);
            }
        });
    }

    private void append(AuditLog.Record r) {
        tx.executeWithoutResult(t -> audit.append(List.of(r), clock.instant()));
    }

    private static String clip(String s) {
        return s == null || s.length() <= 100 ? s : s.substring(0, 100) + "…";
    }
}
