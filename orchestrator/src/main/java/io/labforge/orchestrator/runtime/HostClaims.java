package io.labforge.orchestrator.runtime;

import io.labforge.common.messaging.Json;
import io.labforge.common.messaging.Topics;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.saga.Effect;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which sagas change which hosts (the targets of their agents' steps), so that two sagas do not change
 * the same host at once and a compensation does not silently undo what a later saga did. Called on the
 * saga loop, inside its fenced transactions: one owner, one writer.
 */
public final class HostClaims {
    /** Sagas that hold a host while they run (or wait paused, or are being undone). */
    static final String HOLDING = "('RUNNING', 'PAUSED', 'COMPENSATING')";

    private final JdbcTemplate jdbc;

    public HostClaims(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A saga of mode APPLY that holds some of the hosts asked for. */
    public record Holder(UUID saga, String labId, String status, String actor, Instant createdAt, List<String> hosts) {
    }

    /** A later saga that changed hosts this one changed. */
    public record Later(UUID saga, String labId, String status, Instant createdAt, List<String> hosts) {
    }

    public void claim(UUID saga, Collection<String> hosts) {
        jdbc.batchUpdate("INSERT INTO saga_host (saga_id, host) VALUES (?, ?) ON CONFLICT DO NOTHING",
                hosts.stream().map(h -> new Object[] {saga, h}).toList());
    }

    /** The running sagas of mode APPLY that hold any of {@code hosts}, with the ones they hold. */
    public List<Holder> holders(Collection<String> hosts) {
        if (hosts.isEmpty()) {
            return List.of();
        }
        return jdbc.query(con -> {
            var ps = con.prepareStatement("SELECT s.id, s.lab_id, s.status, s.actor, s.created_at, array_agg(h.host ORDER BY h.host) AS hosts"
                    + " FROM saga_host h JOIN saga s ON s.id = h.saga_id WHERE h.host = ANY(?) AND s.mode = 'APPLY' AND s.status IN " + HOLDING
                    + " GROUP BY s.id ORDER BY s.created_at");
            ps.setArray(1, con.createArrayOf("text", hosts.toArray()));
            return ps;
        }, (rs, i) -> new Holder((UUID) rs.getObject(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs.getTimestamp(5)),
                strings(rs.getArray(6))));
    }

    /**
     * The sagas of mode APPLY started after {@code saga} that changed something (a step that succeeded
     * with a change) on a host where {@code saga} succeeded in a step: compensating {@code saga} would
     * undo what they built on. A later saga that found everything as it wanted changed nothing and does
     * not count.
     */
    public List<Later> later(UUID saga) {
        return jdbc.query("SELECT s.id, s.lab_id, s.status, s.created_at,"
                + " array_agg(DISTINCT t.spec ->> 'target' ORDER BY t.spec ->> 'target')"
                + " FROM saga s JOIN step t ON t.saga_id = s.id AND t.state = 'SUCCEEDED' AND t.changed AND t.spec ->> 'commandType' LIKE 'agent.%'"
                + " WHERE s.mode = 'APPLY' AND s.id <> ? AND s.created_at > (SELECT created_at FROM saga WHERE id = ?)"
                + " AND t.spec ->> 'target' IN (SELECT spec ->> 'target' FROM step WHERE saga_id = ? AND state = 'SUCCEEDED'"
                + " AND spec ->> 'commandType' LIKE 'agent.%')"
                + " GROUP BY s.id ORDER BY s.created_at",
                (rs, i) -> new Later((UUID) rs.getObject(1), rs.getString(2), rs.getString(3), instant(rs.getTimestamp(4)), strings(rs.getArray(5))),
                saga, saga, saga);
    }

    /** The steps of {@code saga} that succeeded on these hosts and have something to undo. */
    public List<String> wouldUndo(UUID saga, Collection<String> hosts) {
        return jdbc.query(con -> {
            var ps = con.prepareStatement("SELECT id FROM step WHERE saga_id = ? AND state = 'SUCCEEDED' AND spec ->> 'target' = ANY(?)"
                    + " AND spec -> 'compensation' IS NOT NULL AND spec -> 'compensation' <> 'null'::jsonb ORDER BY ord");
            ps.setObject(1, saga);
            ps.setArray(2, con.createArrayOf("text", hosts.toArray()));
            return ps;
        }, (rs, i) -> rs.getString(1));
    }

    /** Refuses a saga of mode APPLY on hosts that a running saga holds. */
    void requireFree(Collection<String> hosts) {
        List<Holder> busy = holders(hosts);
        if (!busy.isEmpty()) {
            throw SagaConflict.hostsBusy(busy);
        }
    }

    /**
     * Before undoing {@code saga}: refuses when later sagas changed the hosts it changed and undoing it
     * would revert steps under them, unless {@code force}; forced, the audit row that says so.
     */
    List<Effect> beforeCompensating(UUID saga, boolean force) {
        List<Later> later = later(saga);
        if (later.isEmpty()) {
            return List.of();
        }
        List<String> undo = wouldUndo(saga, later.stream().flatMap(l -> l.hosts().stream()).distinct().toList());
        if (undo.isEmpty()) {
            return List.of();
        }
        if (!force) {
            throw SagaConflict.superseded(saga, later, undo);
        }
        ObjectNode detail = Json.object();
        detail.set("supersededBy", Json.tree(later.stream().map(l -> l.saga().toString()).toList()));
        detail.set("undoes", Json.tree(undo));
        return List.of(new Effect.Audit("saga.compensation-forced", null, null, detail));
    }

    /** The hosts a plan changes: the targets of its agents' steps. */
    static List<String> hostsOf(Plan plan) {
        return plan.steps().stream().filter(st -> Topics.AGENT_COMMANDS.equals(Topics.commandTopicFor(st.commandType())))
                .map(st -> st.target()).distinct().toList();
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static List<String> strings(java.sql.Array a) throws java.sql.SQLException {
        List<String> out = new ArrayList<>();
        for (Object o : (Object[]) a.getArray()) {
            out.add((String) o);
        }
        return out;
    }
}
