package io.labforge.orchestrator.audit;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One row of the audit log: who did what, on which host, when, with which result; {@code signer}: the
 * worker whose signed message the row records (null for the orchestrator's own decisions).
 */
public record AuditEntry(long seq, Instant at, String actor, String action, String labId, UUID sagaId, String stepId,
        String target, JsonNode detail, String signer, String prevHash, String hash) {
}
