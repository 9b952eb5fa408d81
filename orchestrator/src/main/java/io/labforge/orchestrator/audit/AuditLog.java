package io.labforge.orchestrator.audit;

import io.labforge.common.messaging.Json;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The append-only, hash-chained audit log. {@link #append} must run inside the caller's transaction
 * (the one that changes the state the rows describe); it locks the chain's head row, so appends are
 * serialised and the chain has no forks.
 */
public final class AuditLog {
    /**
     * What to append: the log gives it its sequence number, time and hashes. {@code signer}: the worker
     * whose signed message this row records (null: the orchestrator's own decision, or an API call).
     */
    public record Record(String actor, String action, String labId, UUID sagaId, String stepId, String target,
            JsonNode detail, String signer) {
        public Record(String actor, String action, String labId, UUID sagaId, String stepId, String target, JsonNode detail) {
            this(actor, action, labId, sagaId, stepId, target, detail, null);
        }
    }

    /**
     * The result of checking the log: the chain, the orchestrator's seals ({@code seals} of them
     * verified) and the invariants of a saga's life; {@code problem} says what is wrong first and where.
     */
    public record Verification(boolean ok, long rows, long firstBadSeq, String problem, long seals) {
    }

    private final JdbcTemplate jdbc;
    private final KeyPair sealKeys;

    /** A log whose head is sealed with the orchestrator's key when a saga ends ({@code sealKeys} null: never sealed). */
    public AuditLog(JdbcTemplate jdbc, KeyPair sealKeys) {
        this.jdbc = jdbc;
        this.sealKeys = sealKeys;
    }

    public AuditLog(JdbcTemplate jdbc) {
        this(jdbc, null);
    }

    public List<AuditEntry> append(List<Record> records, Instant now) {
        if (records.isEmpty()) {
            return List.of();
        }
        Instant at = now.truncatedTo(ChronoUnit.MICROS); // what PostgreSQL stores, so the hash can be recomputed
        var head = jdbc.queryForMap("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE");
        long seq = ((Number) head.get("seq")).longValue();
        String prev = (String) head.get("hash");
        List<AuditEntry> rows = new ArrayList<>(records.size());
        List<Object[]> batch = new ArrayList<>(records.size());
        for (Record r : records) {
            seq++;
            JsonNode detail = r.detail() == null ? Json.object() : r.detail();
            AuditEntry row = new AuditEntry(seq, at, r.actor(), r.action(), r.labId(), r.sagaId(), r.stepId(), r.target(), detail,
                    r.signer(), prev, null);
            String hash = hash(row);
            rows.add(new AuditEntry(seq, at, r.actor(), r.action(), r.labId(), r.sagaId(), r.stepId(), r.target(), detail,
                    r.signer(), prev, hash));
            batch.add(new Object[] {seq, Timestamp.from(at), r.actor(), r.action(), r.labId(), r.sagaId(), r.stepId(),
                    r.target(), Json.write(detail), r.signer(), prev, hash});
            prev = hash;
        }
        jdbc.batchUpdate("INSERT INTO audit_log (seq, at, actor, action, lab_id, saga_id, step_id, target, detail, "
                + "signer, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?, ?)", batch);
        jdbc.update("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", seq, prev);
        return rows;
    }

    /** A row's hash: of its content and the previous row's hash (the signer counts when there is one). */
    static String hash(AuditEntry e) {
        ObjectNode n = Json.object();
        n.put("seq", e.seq()).put("at", e.at().toString()).put("actor", e.actor()).put("action", e.action()).put("labId", e.labId())
                .put("sagaId", e.sagaId() == null ? null : e.sagaId().toString()).put("stepId", e.stepId()).put("target", e.target())
                .put("prev", e.prevHash());
        n.set("detail", e.detail());
        if (e.signer() != null) {
            n.put("signer", e.signer());
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(Json.canonical(n).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e2) {
            throw new IllegalStateException(e2);
        }
    }

    /**
     * Seals the chain as it stands: the orchestrator signs the head's number and hash. Called in the
     * transaction that appends a saga's last rows, so the seal covers them.
     */
    public void seal(UUID sagaId, Instant now) {
        if (sealKeys == null) {
            return;
        }
        var head = jdbc.queryForMap("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE");
        long seq = ((Number) head.get("seq")).longValue();
        String hash = (String) head.get("hash");
        jdbc.update("INSERT INTO audit_seal (seq, hash, saga_id, sealed_at, signature) VALUES (?, ?, ?, ?, ?) ON CONFLICT (seq) DO NOTHING",
                seq, hash, sagaId, Timestamp.from(now), AuditCheck.sign(sealKeys, seq, hash));
    }

    /**
     * Walks the whole log: every row's hash must match its content and the previous row's hash, the
     * sequence must have no gap, the head must name the last row (a deleted tail is caught too), every
     * seal must sign the row it names as it is now, and a saga's life must make sense (see {@link AuditCheck}).
     */
    public Verification verify() {
        List<AuditCheck.Seal> seals = jdbc.query("SELECT seq, hash, signature FROM audit_seal ORDER BY seq",
                (rs, i) -> new AuditCheck.Seal(rs.getLong(1), rs.getString(2), rs.getString(3)));
        AuditCheck check = new AuditCheck(seals, sealKeys == null ? null : sealKeys.getPublic());
        jdbc.query("SELECT * FROM audit_log ORDER BY seq", rs -> {
            check.accept(map(rs));
        });
        var head = jdbc.queryForMap("SELECT seq, hash FROM audit_head WHERE id = 1");
        return check.finish(((Number) head.get("seq")).longValue(), (String) head.get("hash"));
    }

    public List<AuditEntry> list(UUID sagaId, long afterSeq, int limit) {
        return list(sagaId, null, afterSeq, limit);
    }

    /** The rows after {@code afterSeq}, in order: of one saga (null: all), of one of its steps (null: all). */
    public List<AuditEntry> list(UUID sagaId, String stepId, long afterSeq, int limit) {
        if (stepId != null) {
            if (sagaId == null) {
                throw new IllegalArgumentException("stepId: a step is named within its saga: give sagaId too");
            }
            return jdbc.query("SELECT * FROM audit_log WHERE saga_id = ? AND step_id = ? AND seq > ? ORDER BY seq LIMIT ?", (rs, i) -> map(rs),
                    sagaId, stepId, afterSeq, limit);
        }
        if (sagaId == null) {
            return jdbc.query("SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?", (rs, i) -> map(rs), afterSeq, limit);
        }
        return jdbc.query("SELECT * FROM audit_log WHERE saga_id = ? AND seq > ? ORDER BY seq LIMIT ?", (rs, i) -> map(rs),
                sagaId, afterSeq, limit);
    }

    /** The rows of these sagas after {@code afterSeq}, in order: what the live streams send. */
    public List<AuditEntry> after(long afterSeq, java.util.Collection<UUID> sagas, int limit) {
        return jdbc.query(con -> {
            var ps = con.prepareStatement("SELECT * FROM audit_log WHERE seq > ? AND saga_id = ANY(?) ORDER BY seq LIMIT ?");
            ps.setLong(1, afterSeq);
            ps.setArray(2, con.createArrayOf("uuid", sagas.toArray()));
            ps.setInt(3, limit);
            return ps;
        }, (rs, i) -> map(rs));
    }

    /** The sequence number of the last row (0 when empty). */
    public long lastSeq() {
        Long seq = jdbc.queryForObject("SELECT seq FROM audit_head WHERE id = 1", Long.class);
        return seq == null ? 0 : seq;
    }

    /** Streams every row (of one saga, or all) in order, for a JSON-lines export. */
    public void export(UUID sagaId, Consumer<AuditEntry> sink) {
        if (sagaId == null) {
            jdbc.query("SELECT * FROM audit_log ORDER BY seq", rs -> {
                sink.accept(map(rs));
            });
        } else {
            jdbc.query("SELECT * FROM audit_log WHERE saga_id = ? ORDER BY seq", rs -> {
                sink.accept(map(rs));
            }, sagaId);
        }
    }

    static AuditEntry map(ResultSet rs) throws SQLException {
        return new AuditEntry(rs.getLong("seq"), rs.getTimestamp("at").toInstant(), rs.getString("actor"),
                rs.getString("action"), rs.getString("lab_id"), (UUID) rs.getObject("saga_id"), rs.getString("step_id"),
                rs.getString("target"), Json.read(rs.getString("detail")), rs.getString("signer"), rs.getString("prev_hash"),
                rs.getString("hash"));
    }
}
