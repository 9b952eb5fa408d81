package io.labforge.orchestrator.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One pass over the audit log, row by row: the hash chain, the orchestrator's seals, and what must hold
 * of a saga's life — no step succeeds after its saga ended, a step succeeds at most once per attempt,
 * and every success answers a dispatch of that attempt. The first problem found is the answer, with
 * the row it is at.
 */
final class AuditCheck {
    /** An orchestrator's signature over a row's number and hash. */
    record Seal(long seq, String hash, String signature) {
    }

    private static final Set<String> SUCCESS = Set.of("step.succeeded", "step.checked");
    private static final Set<String> ENDS = Set.of("saga.succeeded", "saga.failed", "saga.compensated");

    private final Map<Long, Seal> seals = new LinkedHashMap<>();
    private final PublicKey key;
    private long rows;
    private long expected = 1;
    private String prev = "genesis";
    private long sealsVerified;
    private AuditLog.Verification bad;
    private final Set<String> dispatched = new HashSet<>();
    private final Set<String> succeeded = new HashSet<>();
    private final Set<UUID> ended = new HashSet<>();

    /** {@code key}: the orchestrator's public key (null: seals are matched to their rows but their signatures not checked). */
    AuditCheck(List<Seal> seals, PublicKey key) {
        seals.forEach(s -> this.seals.put(s.seq(), s));
        this.key = key;
    }

    void accept(AuditEntry e) {
        if (bad != null) {
            return;
        }
        rows++;
        if (e.seq() != expected) {
            fail(expected, "row " + expected + " is missing");
        } else if (!e.prevHash().equals(prev)) {
            fail(e.seq(), "row " + e.seq() + " does not follow the row before it");
        } else if (!AuditLog.hash(e).equals(e.hash())) {
            fail(e.seq(), "row " + e.seq() + " was changed after it was written");
        } else {
            checkSeal(e);
            if (bad == null) {
                invariants(e);
            }
        }
        prev = e.hash();
        expected = e.seq() + 1;
    }

    private void checkSeal(AuditEntry e) {
        Seal s = seals.get(e.seq());
        if (s == null) {
            return;
        }
        if (!s.hash().equals(e.hash())) {
            fail(e.seq(), "row " + e.seq() + " is not the row the orchestrator sealed: the log was rewritten up to it");
        } else if (key != null && !verify(key, s)) {
            fail(e.seq(), "the seal of row " + e.seq() + " is not the orchestrator's signature");
        } else {
            sealsVerified++;
        }
    }

    private void invariants(AuditEntry e) {
        if (e.sagaId() == null || e.stepId() == null && !ENDS.contains(e.action())) {
            return;
        }
        String attempt = e.stepId() == null ? "" : e.sagaId() + " " + e.stepId() + " #" + e.detail().path("attempt").asInt();
        if (e.action().equals("step.dispatched")) {
            dispatched.add(attempt);
        } else if (SUCCESS.contains(e.action())) {
            if (ended.contains(e.sagaId())) {
                fail(e.seq(), "row " + e.seq() + ": step " + e.stepId() + " succeeded after its saga had ended");
            } else if (!dispatched.contains(attempt)) {
                fail(e.seq(), "row " + e.seq() + ": step " + e.stepId() + " succeeded in attempt " + e.detail().path("attempt").asInt()
                        + ", which was never dispatched");
            } else if (!succeeded.add(attempt)) {
                fail(e.seq(), "row " + e.seq() + ": step " + e.stepId() + " succeeded twice in attempt " + e.detail().path("attempt").asInt());
            }
        } else if (ENDS.contains(e.action())) {
            ended.add(e.sagaId());
        }
    }

    AuditLog.Verification finish(long headSeq, String headHash) {
        if (bad != null) {
            return bad;
        }
        long last = expected - 1;
        if (headSeq != last || !headHash.equals(prev)) {
            return new AuditLog.Verification(false, rows, expected, "the log ends at row " + last + " but " + headSeq + " rows were written",
                    sealsVerified);
        }
        for (Seal s : seals.values()) {
            if (s.seq() > last) {
                return new AuditLog.Verification(false, rows, s.seq(), "the orchestrator sealed row " + s.seq() + ", which is gone",
                        sealsVerified);
            }
        }
        return new AuditLog.Verification(true, rows, 0, null, sealsVerified);
    }

    private void fail(long seq, String problem) {
        bad = new AuditLog.Verification(false, rows, seq, problem, sealsVerified);
    }

    private static byte[] sealed(long seq, String hash) {
        return ("labforge-audit-seal\n" + seq + "\n" + hash).getBytes(StandardCharsets.UTF_8);
    }

    static String sign(KeyPair keys, long seq, String hash) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(keys.getPrivate());
            s.update(sealed(seq, hash));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the audit seal", e);
        }
    }

    static boolean verify(PublicKey key, Seal seal) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(sealed(seal.seq(), seal.hash()));
            return s.verify(Base64.getDecoder().decode(seal.signature()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
