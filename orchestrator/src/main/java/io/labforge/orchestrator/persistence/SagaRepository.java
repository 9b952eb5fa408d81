package io.labforge.orchestrator.persistence;

import io.labforge.common.id.SagaId;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab.FailurePolicy;
import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.planner.StepSpec;
import io.labforge.orchestrator.saga.Saga;
import io.labforge.orchestrator.saga.SagaStatus;
import io.labforge.orchestrator.saga.StepRun;
import io.labforge.orchestrator.saga.StepState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/** Sagas, steps, the outbox and the inbox in PostgreSQL. Callers hold the transaction. */
public final class SagaRepository implements Outbox {
    private final JdbcTemplate jdbc;
    private final SecretBox secrets;

    public SagaRepository(JdbcTemplate jdbc, SecretBox secrets) {
        this.jdbc = jdbc;
        this.secrets = secrets;
    }

    /** A row of the outbox: one signed envelope to send. */
    public record OutboxRow(long id, String topic, String key, UUID messageId, byte[] envelope) {
    }

    /** A saga's headline, for lists. */
    public record SagaSummary(UUID id, String labId, String mode, String status, String actor, Instant createdAt,
            Instant updatedAt) {
    }

    /** Records a lab; {@code applied}: its source becomes the lab's (what {@code swarm scale} reads), a plan's does not. */
    public void insertLab(String id, String name, String source, boolean applied) {
        if (applied) {
            jdbc.update("INSERT INTO lab (id, name, source) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET source = EXCLUDED.source",
                    id, name, source);
        } else {
            jdbc.update("INSERT INTO lab (id, name, source) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING", id, name, source);
        }
    }

    public Optional<String> labSource(String id) {
        return jdbc.query("SELECT source FROM lab WHERE id = ?", (rs, i) -> rs.getString(1), id).stream().findFirst();
    }

    /**
     * Inserts a saga and all its steps as they are now: when the engine has already started it (the
     * first commands dispatched in the same transaction), their message ids and deadlines are written too.
     */
    public void insertSaga(Saga saga, String actor) {
        jdbc.update("INSERT INTO saga (id, lab_id, mode, policy, status, actor, shared) VALUES (?, ?, ?, ?, ?, ?, CAST(? AS jsonb))",
                saga.id().value(), saga.labId(), saga.mode().name(), saga.policy().name(), saga.status().name(), actor,
                Json.write(saga.shared()));
        List<Object[]> rows = new ArrayList<>();
        int ord = 0;
        for (StepRun r : saga.steps()) {
            Object[] row = new Object[4 + STEP_COLUMNS.length];
            row[0] = saga.id().value();
            row[1] = r.spec().id().value();
            row[2] = ord++;
            row[3] = Json.write(r.spec());
            System.arraycopy(stepValues(r), 0, row, 4, STEP_COLUMNS.length);
            rows.add(row);
        }
        jdbc.batchUpdate("INSERT INTO step (saga_id, id, ord, spec, " + String.join(", ", STEP_COLUMNS) + ") VALUES (?, ?, ?, CAST(? AS jsonb), "
                + String.join(", ", Arrays.stream(STEP_COLUMNS).map(SagaRepository::placeholder).toList()) + ")", rows);
        saga.takeDirty();
        saga.takeStatusDirty();
    }

    /** The columns of a step's run state, in the order of {@link #stepValues}. */
    private static final String[] STEP_COLUMNS = {"state", "attempt", "attempts_in_round", "compensation_attempt", "message_id", "not_before",
        "deadline", "started_at", "finished_at", "outputs", "secret_outputs", "changed", "diff", "error"};

    private static String placeholder(String column) {
        return column.equals("outputs") || column.equals("secret_outputs") ? "CAST(? AS jsonb)" : "?";
    }

    private Object[] stepValues(StepRun r) {
        return new Object[] {r.state().name(), r.attempt(), r.attemptsInRound(), r.compensationAttempt(), r.messageId(),
            ts(r.notBefore()), ts(r.deadline()), ts(r.startedAt()), ts(r.finishedAt()),
            r.outputs() == null ? null : Json.write(secrets.seal(r.outputs(), r.secretOutputs())),
            Json.write(r.secretOutputs()), r.changed(), r.diff(), r.error()};
    }

    /** Writes the steps and status the engine changed since the last save. */
    public void saveChanges(Saga saga) {
        List<Object[]> rows = new ArrayList<>();
        for (StepId id : saga.takeDirty()) {
            Object[] values = stepValues(saga.step(id));
            Object[] row = Arrays.copyOf(values, values.length + 2);
            row[values.length] = saga.id().value();
            row[values.length + 1] = id.value();
            rows.add(row);
        }
        if (!rows.isEmpty()) {
            jdbc.batchUpdate("UPDATE step SET " + String.join(", ", Arrays.stream(STEP_COLUMNS).map(c -> c + " = " + placeholder(c)).toList())
                    + " WHERE saga_id = ? AND id = ?", rows);
        }
        if (saga.takeStatusDirty()) {
            jdbc.update("UPDATE saga SET status = ?, policy = ?, updated_at = now() WHERE id = ?", saga.status().name(),
                    saga.policy().name(), saga.id().value());
        }
    }

    public Optional<Saga> load(SagaId id) {
        List<Map<String, Object>> head = jdbc.queryForList("SELECT * FROM saga WHERE id = ?", id.value());
        if (head.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> s = head.get(0);
        List<StepRun> runs = jdbc.query("SELECT * FROM step WHERE saga_id = ? ORDER BY ord", (rs, i) -> step(rs, secrets),
                id.value());
        Map<String, JsonNode> shared = new HashMap<>();
        Json.read(String.valueOf(s.get("shared"))).properties().forEach(e -> shared.put(e.getKey(), e.getValue()));
        return Optional.of(new Saga(id, (String) s.get("lab_id"), Saga.Mode.valueOf((String) s.get("mode")),
                FailurePolicy.valueOf((String) s.get("policy")), SagaStatus.valueOf((String) s.get("status")), runs, shared));
    }

    public List<SagaId> active() {
        return jdbc.query("SELECT id FROM saga WHERE status IN ('RUNNING', 'PAUSED', 'COMPENSATING') ORDER BY created_at",
                (rs, i) -> new SagaId((UUID) rs.getObject(1)));
    }

    public List<SagaSummary> list(int limit) {
        return jdbc.query("SELECT * FROM saga ORDER BY created_at DESC LIMIT ?", (rs, i) -> new SagaSummary(
                (UUID) rs.getObject("id"), rs.getString("lab_id"), rs.getString("mode"), rs.getString("status"),
                rs.getString("actor"), rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant()),
                limit);
    }

    public Optional<SagaSummary> summary(SagaId id) {
        return jdbc.query("SELECT * FROM saga WHERE id = ?", (rs, i) -> new SagaSummary(
                (UUID) rs.getObject("id"), rs.getString("lab_id"), rs.getString("mode"), rs.getString("status"),
                rs.getString("actor"), rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant()),
                id.value()).stream().findFirst();
    }

    private static StepRun step(ResultSet rs, SecretBox secrets) throws SQLException {
        StepSpec spec = Json.convert(Json.read(rs.getString("spec")), StepSpec.class);
        String outputs = rs.getString("outputs");
        String secretNames = rs.getString("secret_outputs");
        Boolean changed = (Boolean) rs.getObject("changed");
        return StepRun.restore(spec, StepState.valueOf(rs.getString("state")), rs.getInt("attempt"),
                rs.getInt("attempts_in_round"), rs.getInt("compensation_attempt"), (UUID) rs.getObject("message_id"),
                instant(rs, "not_before"), instant(rs, "deadline"), instant(rs, "started_at"), instant(rs, "finished_at"),
                outputs == null ? null : secrets.open(Json.read(outputs)),
                secretNames == null ? List.of() : Json.MAPPER.readValue(secretNames, new TypeReference<List<String>>() { }),
                changed, rs.getString("diff"), rs.getString("error"));
    }

    public void enqueue(Collection<OutboxRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        List<Object[]> batch = new ArrayList<>();
        for (OutboxRow r : rows) {
            batch.add(new Object[] {r.topic(), r.key(), r.messageId(), r.envelope()});
        }
        jdbc.batchUpdate("INSERT INTO outbox (topic, msg_key, message_id, envelope) VALUES (?, ?, ?, ?)", batch);
    }

    /**
     * Rows written at least {@code age} ago (a sweep for rows the relay was not handed in memory: those of
     * an orchestrator that stopped, or a hand-off that was lost), oldest first.
     */
    @Override
    public List<OutboxRow> outboxOlderThan(Duration age, int limit) {
        // the database's clock on both sides: no skew between the orchestrator's and PostgreSQL's
        return jdbc.query("SELECT * FROM outbox WHERE created_at <= now() - ? * interval '1 millisecond' ORDER BY id LIMIT ?",
                (rs, i) -> new OutboxRow(rs.getLong("id"), rs.getString("topic"), rs.getString("msg_key"),
                        (UUID) rs.getObject("message_id"), rs.getBytes("envelope")), age.toMillis(), limit);
    }

    @Override
    public void deleteOutboxMessages(Collection<UUID> messageIds) {
        if (messageIds.isEmpty()) {
            return;
        }
        jdbc.update(con -> {
            var ps = con.prepareStatement("DELETE FROM outbox WHERE message_id = ANY(?)");
            ps.setArray(1, con.createArrayOf("uuid", messageIds.toArray()));
            return ps;
        });
    }

    /** Records that an event was taken; false when it had been taken before (a duplicate delivery). */
    public boolean firstDelivery(UUID messageId) {
        return jdbc.update("INSERT INTO inbox (message_id) VALUES (?) ON CONFLICT DO NOTHING", messageId) == 1;
    }

    /** Records a batch of events as taken; per event, false when it had been taken before. */
    public boolean[] firstDeliveries(List<UUID> messageIds) {
        boolean[] fresh = new boolean[messageIds.size()];
        if (messageIds.isEmpty()) {
            return fresh;
        }
        // one statement for the batch: the ids it inserted are the ones never taken before
        Set<UUID> inserted = new HashSet<>(jdbc.query(con -> {
            var ps = con.prepareStatement(
                    "INSERT INTO inbox (message_id) SELECT unnest(?) ON CONFLICT DO NOTHING RETURNING message_id");
            ps.setArray(1, con.createArrayOf("uuid", messageIds.toArray()));
            return ps;
        }, (rs, i) -> (UUID) rs.getObject(1)));
        for (int i = 0; i < fresh.length; i++) {
            fresh[i] = inserted.remove(messageIds.get(i)); // a second copy in the same batch is a duplicate too
        }
        return fresh;
    }

    public void pruneInbox(Instant before) {
        jdbc.update("DELETE FROM inbox WHERE received_at < ?", Timestamp.from(before));
    }

    public void recordPresence(String host, JsonNode facts, String version, Instant at, boolean announce) {
        if (announce) {
            jdbc.update("INSERT INTO host (lab_host, facts, agent_version, announced_at, last_seen) "
                    + "VALUES (?, CAST(? AS jsonb), ?, ?, ?) ON CONFLICT (lab_host) DO UPDATE SET facts = EXCLUDED.facts, "
                    + "agent_version = EXCLUDED.agent_version, announced_at = EXCLUDED.announced_at, last_seen = EXCLUDED.last_seen",
                    host, Json.write(facts), version, Timestamp.from(at), Timestamp.from(at));
        } else {
            jdbc.update("INSERT INTO host (lab_host, last_seen) VALUES (?, ?) "
                    + "ON CONFLICT (lab_host) DO UPDATE SET last_seen = EXCLUDED.last_seen", host, Timestamp.from(at));
        }
    }

    /** The agent version {@code host} last announced (null: none yet); locks its row until the transaction ends. */
    public String agentVersionForUpdate(String host) {
        List<String> v = jdbc.queryForList("SELECT agent_version FROM host WHERE lab_host = ? FOR UPDATE", String.class, host);
        return v.isEmpty() ? null : v.get(0);
    }

    /** When each host (or worker) that ever announced itself was last heard of. */
    public Map<String, Instant> lastSeen() {
        Map<String, Instant> out = new HashMap<>();
        jdbc.query("SELECT lab_host, last_seen FROM host WHERE last_seen IS NOT NULL",
                (org.springframework.jdbc.core.RowCallbackHandler) rs -> out.put(rs.getString(1), rs.getTimestamp(2).toInstant()));
        return out;
    }

    /** Of {@code names}, those no agent ever announced itself as. */
    public List<String> neverSeen(Collection<String> names) {
        if (names.isEmpty()) {
            return List.of();
        }
        Set<String> seen = new HashSet<>(jdbc.queryForList("SELECT lab_host FROM host WHERE last_seen IS NOT NULL AND lab_host = ANY (?)",
                String.class, (Object) names.toArray(new String[0])));
        return names.stream().filter(n -> !seen.contains(n)).distinct().toList();
    }

    public List<Map<String, Object>> hosts(Collection<String> names) {
        if (names.isEmpty()) {
            return List.of();
        }
        return jdbc.queryForList("SELECT lab_host, facts::text AS facts, agent_version, announced_at, last_seen FROM host "
                + "WHERE lab_host = ANY (?)", (Object) names.toArray(new String[0]));
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(ResultSet rs, String col) throws SQLException {
        Timestamp t = rs.getTimestamp(col);
        return t == null ? null : t.toInstant();
    }
}
