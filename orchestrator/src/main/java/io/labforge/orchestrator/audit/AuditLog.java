package io.labforge.orchestrator.audit;

import io.labforge.common.messaging.Json;
import java.nio.charset.StandardCharsets;
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
    /** What to append: the log gives it its sequence number, time and hashes. */
    public record Record(String actor, String action, String labId, UUID sagaId, String stepId, String target,
            JsonNode detail) {
    }

    /** The result of checking the chain. */
    public record Verification(boolean ok, long rows, long firstBadSeq, String problem) {
    }

    private final JdbcTemplate jdbc;

    public AuditLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
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
            String hash = hash(seq, at, r.actor(), r.action(), r.labId(), r.sagaId(), r.stepId(), r.target(), detail, prev);
            rows.add(new AuditEntry(seq, at, r.actor(), r.action(), r.labId(), r.sagaId(), r.stepId(), r.target(), detail,
                    prev, hash));
            batch.add(new Object[] {seq, Timestamp.from(at), r.actor(), r.action(), r.labId(), r.sagaId(), r.stepId(),
                    r.target(), Json.write(detail), prev, hash});
            prev = hash;
        }
        jdbc.batchUpdate("INSERT INTO audit_log (seq, at, actor, action, lab_id, saga_id, step_id, target, detail, "
                + "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?)", batch);
        jdbc.update("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", seq, prev);
        return rows;
    }

    static String hash(long seq, Instant at, String actor, String action, String labId, UUID sagaId, String stepId,
            String target, JsonNode detail, String prev) {
        ObjectNode n = Json.object();
        n.put("seq", seq).put("at", at.toString()).put("actor", actor).put("action", action).put("labId", labId)
                .put("sagaId", sagaId == null ? null : sagaId.toString()).put("stepId", stepId).put("target", target)
                .put("prev", prev);
        n.set("detail", detail);
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(Json.canonical(n).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Walks the whole chain: every row's hash must match its content and the previous row's hash, the
     * sequence must have no gap, and the head must name the last row (a deleted tail is caught too).
     */
    public Verification verify() {
        long[] count = {0};
        long[] expectedSeq = {1};
        String[] prev = {"genesis"};
        Verification[] bad = {null};
        jdbc.query("SELECT * FROM audit_log ORDER BY seq", rs -> {
            if (bad[0] != null) {
                return;
            }
            AuditEntry e = map(rs);
            count[0]++;
            if (e.seq() != expectedSeq[0]) {
                bad[0] = new Verification(false, count[0], expectedSeq[0], "row " + expectedSeq[0] + " is missing");
            } else if (!e.prevHash().equals(prev[0])) {
                bad[0] = new Verification(false, count[0], e.seq(), "row " + e.seq() + " does not follow the row before it");
            } else if (!hash(e.seq(), e.at(), e.actor(), e.action(), e.labId(), e.sagaId(), e.stepId(), e.target(),
                    e.detail(), e.prevHash()).equals(e.hash())) {
                bad[0] = new Verification(false, count[0], e.seq(), "row " + e.seq() + " was changed after it was written");
            }
            prev[0] = e.hash();
            expectedSeq[0] = e.seq() + 1;
        });
        if (bad[0] != null) {
            return bad[0];
        }
        var head = jdbc.queryForMap("SELECT seq, hash FROM audit_head WHERE id = 1");
        if (((Number) head.get("seq")).longValue() != expectedSeq[0] - 1 || !head.get("hash").equals(prev[0])) {
            return new Verification(false, count[0], expectedSeq[0],
                    "the log ends at row " + (expectedSeq[0] - 1) + " but " + head.get("seq") + " rows were written");
        }
        return new Verification(true, count[0], 0, null);
    }

    public List<AuditEntry> list(UUID sagaId, long afterSeq, int limit) {
        if (sagaId == null) {
            return jdbc.query("SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?", (rs, i) -> map(rs), afterSeq, limit);
        }
        return jdbc.query("SELECT * FROM audit_log WHERE saga_id = ? AND seq > ? ORDER BY seq LIMIT ?", (rs, i) -> map(rs),
                sagaId, afterSeq, limit);
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
                rs.getString("target"), Json.read(rs.getString("detail")), rs.getString("prev_hash"), rs.getString("hash"));
    }
}
