package io.labforge.orchestrator.api;

import io.labforge.common.id.SagaId;
import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.audit.AuditCloudEvents;
import io.labforge.orchestrator.audit.AuditEntry;
import io.labforge.orchestrator.audit.AuditLog;
import io.labforge.orchestrator.persistence.SagaRepository;
import io.labforge.orchestrator.plan.Planners;
import io.labforge.orchestrator.report.LabReport;
import io.labforge.orchestrator.runtime.HostLiveness;
import io.labforge.orchestrator.runtime.LabSubmissions;
import io.labforge.orchestrator.runtime.SagaRequests;
import io.labforge.orchestrator.runtime.SagaNotFound;
import io.labforge.orchestrator.runtime.SagaReads;
import io.labforge.orchestrator.saga.Saga;
import io.labforge.orchestrator.saga.StepRun;
import io.labforge.orchestrator.security.Caller;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** The REST API. Errors are RFC 9457 problem details ({@link ProblemHandler}). */
@RestController
@RequestMapping("/api")
public class SagaController {
    private final SagaRequests requests;
    private final LabSubmissions submissions;
    private final SagaRepository repo;
    private final AuditLog audit;
    private final ProgressStreams streams;
    private final SagaReads reads;
    private final HostLiveness liveness;

    public SagaController(SagaRequests requests, LabSubmissions submissions, SagaRepository repo, AuditLog audit, ProgressStreams streams,
            SagaReads reads, HostLiveness liveness) {
        this.liveness = liveness;
        this.requests = requests;
        this.submissions = submissions;
        this.repo = repo;
        this.audit = audit;
        this.streams = streams;
        this.reads = reads;
    }

    /** Submits a lab file: {@code mode=apply} (default) changes the hosts, {@code mode=plan} only checks them. */
    @PostMapping(path = "/sagas", consumes = {"application/yaml", "text/yaml", "application/x-yaml"})
    public ResponseEntity<SagaView> submit(@RequestBody String lab, @RequestParam(defaultValue = "apply") String mode, Authentication auth) {
        SagaId id = submissions.submit(lab, mode(mode), actor(auth));
        return ResponseEntity.created(URI.create("/api/sagas/" + id)).body(view(id));
    }

    /** A lab with the files it names beside it (its stacks' directories), as {@code labforge apply} sends it. */
    public record LabSubmission(String lab, Map<String, String> files) {
    }

    /** Submits a lab as JSON: {@code {"lab": "<the YAML>", "files": {"tp1-app/docker-compose.yml": "…"}}}. */
    @PostMapping(path = "/sagas", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<SagaView> submitWithFiles(@RequestBody LabSubmission body, @RequestParam(defaultValue = "apply") String mode, Authentication auth) {
        if (body.lab() == null || body.lab().isBlank()) {
            throw new IllegalArgumentException("the body has no lab: send {\"lab\": \"<the lab file>\", \"files\": {…}}");
        }
        SagaId id = submissions.submit(body.lab(), body.files() == null ? Map.of() : body.files(), mode(mode), actor(auth));
        return ResponseEntity.created(URI.create("/api/sagas/" + id)).body(view(id));
    }

    private static Saga.Mode mode(String mode) {
        return switch (mode) {
            case "apply" -> Saga.Mode.APPLY;
            case "plan" -> Saga.Mode.PLAN;
            default -> throw new IllegalArgumentException("mode must be apply or plan, not '" + mode + "'");
        };
    }

    @GetMapping("/sagas")
    public List<SagaRepository.SagaSummary> list(@RequestParam(defaultValue = "50") int limit) {
        return repo.list(Math.min(limit, 500));
    }

    @GetMapping("/sagas/{id}")
    public SagaView status(@PathVariable String id) {
        return view(SagaId.parse(id));
    }

    /** Scales a swarm service of a lab submitted before: a saga of one step, like any other. */
    @PostMapping("/labs/{lab}/services/{service}/scale")
    public ResponseEntity<SagaView> scale(@PathVariable String lab, @PathVariable String service, @RequestParam int replicas, Authentication auth) {
        SagaId id = submissions.scale(lab, service, replicas, actor(auth));
        return ResponseEntity.created(URI.create("/api/sagas/" + id)).body(view(id));
    }

    /** Reads a lab's swarm or Kubernetes cluster ({@code feature}) as it is now: a read-only saga of one step. */
    @PostMapping("/labs/{lab}/{feature}/status")
    public ResponseEntity<SagaView> featureStatus(@PathVariable String lab, @PathVariable String feature, Authentication auth) {
        SagaId id = submissions.describe(lab, Planners.status(feature), actor(auth));
        return ResponseEntity.created(URI.create("/api/sagas/" + id)).body(view(id));
    }

    /**
     * Goes on with a paused saga, its failed steps run again: those on the hosts named by {@code host} (repeatable)
     * only, or all.
     */
    @PostMapping("/sagas/{id}/resume")
    public SagaView resume(@PathVariable String id, @RequestParam(name = "host", required = false) List<String> hosts, Authentication auth) {
        requests.resume(SagaId.parse(id), actor(auth), hosts == null ? Set.of() : Set.copyOf(hosts));
        return view(SagaId.parse(id));
    }

    /** Pauses a running saga: nothing more is sent, the steps in flight finish; resume goes on where it stopped. */
    @PostMapping("/sagas/{id}/pause")
    public SagaView pause(@PathVariable String id, Authentication auth) {
        requests.pause(SagaId.parse(id), actor(auth));
        return view(SagaId.parse(id));
    }

    @PostMapping("/sagas/{id}/compensate")
    public SagaView compensate(@PathVariable String id, @RequestParam(defaultValue = "false") boolean force, Authentication auth) {
        requests.compensate(SagaId.parse(id), actor(auth), force);
        return view(SagaId.parse(id));
    }

    /**
     * Live progress as server-sent events: one {@code update} per audit row (its id the row's seq: send
     * it back as {@code Last-Event-ID} to get what was missed) or step output line. See {@link ProgressStreams}.
     */
    @GetMapping(path = "/sagas/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter events(@PathVariable String id, @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        SagaId sid = SagaId.parse(id);
        view(sid);
        Long last;
        try {
            last = lastEventId == null || lastEventId.isBlank() ? null : Long.parseLong(lastEventId.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Last-Event-ID '" + lastEventId + "' is not an event id of this stream (a number)");
        }
        return streams.open(sid, last);
    }

    /**
     * What the agents said about themselves: one entry per name asked for, in that order, with its
     * {@code state} ({@code online}, {@code offline}: silent for {@code labforge.host-offline-after}, or
     * {@code never seen}), agent version, when it announced itself and was last heard of, and its facts.
     */
    @GetMapping("/hosts")
    public List<Map<String, Object>> hosts(@RequestParam List<String> name) {
        Map<String, Map<String, Object>> rows = new HashMap<>();
        repo.hosts(name).forEach(row -> rows.put((String) row.get("lab_host"), row));
        return name.stream().distinct().map(host -> {
            Map<String, Object> row = rows.getOrDefault(host, Map.of());
            Map<String, Object> m = new LinkedHashMap<>();
            java.time.Instant lastSeen = row.get("last_seen") == null ? null : ((Timestamp) row.get("last_seen")).toInstant();
            m.put("name", host);
            m.put("state", liveness.state(lastSeen).label());
            m.put("agentVersion", row.get("agent_version"));
            m.put("announcedAt", row.get("announced_at") == null ? null : ((Timestamp) row.get("announced_at")).toInstant());
            m.put("lastSeen", lastSeen);
            m.put("facts", row.get("facts") == null ? null : Json.read((String) row.get("facts")));
            return m;
        }).toList();
    }

    /**
     * Ends the live streams as the orchestrator starts to stop (before the web server's graceful
     * shutdown, which would otherwise wait 30 s for these never-ending requests).
     */
    @EventListener(ContextClosedEvent.class)
    void endStreams() {
        streams.close();
    }

    /** The lab report (Markdown), written from the saga's audit log. */
    @GetMapping(path = "/sagas/{id}/report", produces = "text/markdown")
    public String report(@PathVariable String id) {
        SagaId sid = SagaId.parse(id);
        view(sid);
        List<AuditEntry> rows = new ArrayList<>();
        audit.export(sid.value(), rows::add);
        return LabReport.markdown(sid.value(), rows);
    }

    @GetMapping("/audit")
    public List<AuditEntry> audit(@RequestParam(required = false) String sagaId, @RequestParam(required = false) String stepId,
            @RequestParam(defaultValue = "0") long after, @RequestParam(defaultValue = "200") int limit) {
        return audit.list(sagaId == null ? null : SagaId.parse(sagaId).value(), stepId, after, Math.min(limit, 5000));
    }

    /**
     * The audit log as JSON lines, for archiving and replay: its rows as they are, or ({@code format=cloudevents})
     * each row as a CloudEvent 1.0 in the JSON event format ({@link AuditCloudEvents}).
     */
    @GetMapping(path = "/audit/export", produces = "application/x-ndjson")
    public StreamingResponseBody export(@RequestParam(required = false) String sagaId, @RequestParam(defaultValue = "rows") String format) {
        UUID saga = sagaId == null ? null : SagaId.parse(sagaId).value();
        if (!format.equals("rows") && !format.equals("cloudevents")) {
            throw new IllegalArgumentException("format: '" + format + "' is not an export format: give rows (the default) or cloudevents");
        }
        boolean cloudEvents = format.equals("cloudevents");
        return out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            audit.export(saga, e -> {
                try {
                    w.write(cloudEvents ? AuditCloudEvents.json(e) : Json.write(e));
                    w.write('\n');
                } catch (IOException ex) {
                    throw new IllegalStateException(ex);
                }
            });
            w.flush();
        };
    }

    @GetMapping("/audit/verify")
    public AuditLog.Verification verify() {
        return audit.verify();
    }

    /** The audit log's name for the authenticated caller. */
    private static String actor(Authentication auth) {
        return Caller.of(auth).actor();
    }

    private SagaView view(SagaId id) {
        Saga saga = reads.snapshot(id).orElseThrow(() -> new SagaNotFound(id.toString()));
        Map<String, Map<String, Object>> presence = new HashMap<>();
        for (Map<String, Object> row : repo.hosts(saga.steps().stream().map(StepRun::spec).map(s -> s.target())
                .distinct().toList())) {
            presence.put((String) row.get("lab_host"), row);
        }
        return SagaView.of(saga, presence);
    }
}
