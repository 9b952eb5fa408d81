package io.labforge.orchestrator.runtime;

import io.labforge.common.id.LabId;
import io.labforge.common.id.SagaId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabError;
import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.planner.StepSpec;
import io.labforge.orchestrator.saga.Saga;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The changes the API is asked for (start a saga, pause, resume, compensate), on any orchestrator. The owner
 * makes them at once; a standby writes them to {@code saga_request} and waits while the owner takes
 * and makes them ({@link #serve()}, every {@link #POLL} on the owner), then answers with the owner's
 * result — or its refusal, with the same status and details. A request no owner took within
 * {@link #UNTAKEN} is withdrawn and refused with 503 (no owner, e.g. during a takeover).
 */
public final class SagaRequests implements SagaStarter {
    private static final Logger LOG = LoggerFactory.getLogger(SagaRequests.class);
    static final Duration POLL = Duration.ofMillis(100);
    static final Duration UNTAKEN = Duration.ofSeconds(15);
    static final Duration UNFINISHED = Duration.ofSeconds(60);

    private final SagaCoordinator coordinator;
    private final AuditRecords records;
    private final Ownership ownership;
    private final JdbcTemplate jdbc;
    private final Duration untaken;

    /** The owner's refusal of a forwarded change, answered by the standby as the owner would have. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String title;
        private final transient Map<String, Object> details;

        Refused(int status, String title, String detail, Map<String, Object> details) {
            super(detail);
            this.status = status;
            this.title = title;
            this.details = details;
        }

        public int status() {
            return status;
        }

        public String title() {
            return title;
        }

        public Map<String, Object> details() {
            return details;
        }
    }

    public SagaRequests(SagaCoordinator coordinator, AuditRecords records, Ownership ownership, JdbcTemplate jdbc) {
        this(coordinator, records, ownership, jdbc, UNTAKEN);
    }

    /** {@code untaken}: how long a standby waits for an owner to take a change before it withdraws it. */
    public SagaRequests(SagaCoordinator coordinator, AuditRecords records, Ownership ownership, JdbcTemplate jdbc, Duration untaken) {
        this.untaken = untaken;
        this.coordinator = coordinator;
        this.records = records;
        this.ownership = ownership;
        this.jdbc = jdbc;
    }

    @Override
    public SagaId submitPlan(LabId lab, String source, Plan plan, Lab.FailurePolicy policy, Saga.Mode mode, String actor) {
        if (ownership.owns()) {
            return coordinator.submitPlan(lab, source, plan, policy, mode, actor);
        }
        SagaId id = SagaId.random();
        ObjectNode p = Json.object().put("saga", id.toString()).put("lab", lab.value()).put("source", source).put("policy", policy.name())
                .put("mode", mode.name());
        p.set("steps", Json.tree(plan.steps()));
        p.set("shared", Json.tree(plan.shared())); // the values the steps share travel with them
        forward("submit", p, actor);
        return id;
    }

    @Override
    public void recordRejection(String actor, Saga.Mode mode, List<LabError> errors) {
        records.labRejected(actor, mode, errors);
    }

    public void resume(SagaId id, String actor) {
        resume(id, actor, Set.of());
    }

    /** Resumes the failed steps on {@code hosts} only (empty: all of them). */
    public void resume(SagaId id, String actor, Set<String> hosts) {
        if (ownership.owns()) {
            coordinator.resume(id, actor, hosts);
        } else {
            ObjectNode p = Json.object().put("saga", id.toString());
            p.set("hosts", Json.tree(List.copyOf(hosts)));
            forward("resume", p, actor);
        }
    }

    public void pause(SagaId id, String actor) {
        if (ownership.owns()) {
            coordinator.pause(id, actor);
        } else {
            forward("pause", Json.object().put("saga", id.toString()), actor);
        }
    }

    public void compensate(SagaId id, String actor, boolean force) {
        if (ownership.owns()) {
            coordinator.compensate(id, actor, force);
        } else {
            forward("compensate", Json.object().put("saga", id.toString()).put("force", force), actor);
        }
    }

    /** Writes the request and waits for the owner to make it; rethrows its refusal. */
    private void forward(String kind, ObjectNode payload, String actor) {
        UUID request = UUID.randomUUID();
        jdbc.update("INSERT INTO saga_request (id, kind, payload, actor) VALUES (?, ?, CAST(? AS jsonb), ?)", request, kind, Json.write(payload),
                actor);
        long started = System.nanoTime();
        try {
            while (true) {
                Map<String, Object> row = jdbc.queryForMap("SELECT taken_at IS NOT NULL AS taken, done_at IS NOT NULL AS done, error::text AS error"
                        + " FROM saga_request WHERE id = ?", request);
                if (Boolean.TRUE.equals(row.get("done"))) {
                    if (row.get("error") != null) {
                        throw refusal(Json.read((String) row.get("error")));
                    }
                    return;
                }
                Duration waited = Duration.ofNanos(System.nanoTime() - started);
                if (!Boolean.TRUE.equals(row.get("taken")) && waited.compareTo(untaken) > 0
                        && jdbc.update("DELETE FROM saga_request WHERE id = ? AND taken_at IS NULL", request) == 1) {
                    throw new Ownership.NotOwner("no orchestrator owns the sagas right now (none took this " + kind + " within "
                            + untaken.toSeconds() + " s); nothing was changed: try again in a few seconds", false);
                }
                if (waited.compareTo(UNFINISHED) > 0) {
                    throw new IllegalStateException("the owner took this " + kind + " (request " + request + ") and has not answered within "
                            + UNFINISHED.toSeconds() + " s: see the saga's state before asking again");
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the owner", e);
        }
    }

    /** On the owner: takes the waiting requests (oldest first) and makes each, recording its result. */
    public int serve() {
        List<Map<String, Object>> taken = jdbc.queryForList("UPDATE saga_request SET taken_at = now() WHERE id IN (SELECT id FROM saga_request"
                + " WHERE taken_at IS NULL ORDER BY created_at LIMIT 20 FOR UPDATE SKIP LOCKED) RETURNING id, kind, payload::text AS payload, actor");
        for (Map<String, Object> r : taken) {
            UUID id = (UUID) r.get("id");
            ObjectNode error = null;
            try {
                make((String) r.get("kind"), Json.read((String) r.get("payload")), (String) r.get("actor"));
            } catch (Ownership.NotOwner e) {
                // this orchestrator lost the sagas meanwhile: leave it for the next owner
                jdbc.update("UPDATE saga_request SET taken_at = NULL WHERE id = ?", id);
                continue;
            } catch (RuntimeException e) {
                error = problem(e);
            }
            jdbc.update("UPDATE saga_request SET done_at = now(), error = CAST(? AS jsonb) WHERE id = ?", error == null ? null : Json.write(error), id);
        }
        return taken.size();
    }

    private void make(String kind, JsonNode p, String actor) {
        SagaId saga = SagaId.parse(p.get("saga").asString());
        switch (kind) {
            case "submit" -> {
                List<StepSpec> steps = new ArrayList<>();
                p.get("steps").forEach(s -> steps.add(Json.convert(s, StepSpec.class)));
                Map<String, JsonNode> shared = new HashMap<>();
                p.path("shared").properties().forEach(e -> shared.put(e.getKey(), e.getValue()));
                coordinator.submitPlan(saga, LabId.of(p.get("lab").asString()), p.get("source").asString(), Plan.of(steps, shared),
                        Lab.FailurePolicy.valueOf(p.get("policy").asString()), Saga.Mode.valueOf(p.get("mode").asString()), actor);
            }
            case "resume" -> {
                Set<String> hosts = new java.util.TreeSet<>();
                p.path("hosts").forEach(h -> hosts.add(h.asString()));
                coordinator.resume(saga, actor, hosts);
            }
            case "pause" -> coordinator.pause(saga, actor);
            case "compensate" -> coordinator.compensate(saga, actor, p.get("force").asBoolean());
            default -> throw new IllegalArgumentException("unknown request " + kind);
        }
    }

    /** The refusal as the API would have answered it on the owner. */
    static ObjectNode problem(RuntimeException e) {
        ObjectNode p = Json.object().put("detail", e.getMessage());
        if (e instanceof SagaConflict c) {
            p.put("status", 409).put("title", c.title());
            p.set("details", Json.tree(c.details()));
        } else if (e instanceof SagaNotFound) {
            p.put("status", 404).put("title", "No such saga");
        } else if (e instanceof IllegalArgumentException) {
            p.put("status", 400).put("title", "Bad request");
        } else if (e instanceof IllegalStateException) {
            p.put("status", 409).put("title", "Not possible in the saga's state");
        } else {
            LOG.warn("a forwarded change failed: {}", e.toString());
            p.put("status", 500).put("title", "The owner could not make the change");
        }
        return p;
    }

    private static Refused refusal(JsonNode p) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (p.has("details")) {
            p.get("details").propertyNames().forEach(n -> details.put(n, Json.convert(p.get("details").get(n), Object.class)));
        }
        return new Refused(p.get("status").asInt(), p.get("title").asString(), p.get("detail").asString(), details);
    }
}
