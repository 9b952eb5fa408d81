package io.labforge.orchestrator.persistence;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What a step's worker said while it ran: its progress lines, stored in the transaction that records them, so they
 * can be read after the fact (a step's panel in the console, {@code GET /api/sagas/{id}/steps/{step}/output}).
 * A line is cut at {@value #MAX_LINE} characters. Workers redact secrets before a line leaves the host.
 */
public final class StepOutputs {
    public static final int MAX_LINE = 2000;

    /** One line of a step. */
    public record Line(String step, String line) {
    }

    private final JdbcTemplate jdbc;

    public StepOutputs(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void append(UUID saga, List<Line> lines, Instant at) {
        if (lines.isEmpty()) {
            return;
        }
        Timestamp ts = Timestamp.from(at);
        jdbc.batchUpdate("INSERT INTO step_output (saga_id, step_id, at, line) VALUES (?, ?, ?, ?)", lines, 500, (ps, l) -> {
            ps.setObject(1, saga);
            ps.setString(2, l.step());
            ps.setTimestamp(3, ts);
            ps.setString(4, l.line().length() > MAX_LINE ? l.line().substring(0, MAX_LINE) + " …" : l.line());
        });
    }

    /** The step's last {@code limit} lines, oldest first. */
    public List<String> of(UUID saga, String step, int limit) {
        List<String> newestFirst = jdbc.queryForList("SELECT line FROM step_output WHERE saga_id = ? AND step_id = ? ORDER BY seq DESC LIMIT ?",
                String.class, saga, step, limit);
        List<String> out = new ArrayList<>(newestFirst);
        Collections.reverse(out);
        return out;
    }
}
