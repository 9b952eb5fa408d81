package io.labforge.orchestrator.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A change refused because of another saga: hosts that a running saga is changing, or a later saga's
 * changes that a compensation would undo. The API answers 409 with {@link #details()}.
 */
public final class SagaConflict extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String title;
    private final transient Map<String, Object> details;

    private SagaConflict(String title, String message, Map<String, Object> details) {
        super(message);
        this.title = title;
        this.details = details;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> details() {
        return details;
    }

    static SagaConflict hostsBusy(List<HostClaims.Holder> holders) {
        String who = holders.stream().map(h -> "saga " + h.saga() + " (lab " + h.labId() + ", " + h.status() + " since " + h.createdAt()
                + ", by " + h.actor() + ") holds " + String.join(", ", h.hosts())).collect(Collectors.joining("; "));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("heldBy", holders.stream().map(h -> Map.of("saga", h.saga().toString(), "lab", h.labId(), "status", h.status(),
                "hosts", h.hosts())).toList());
        return new SagaConflict("Hosts in use by another saga", "at most one saga changes a host at a time: " + who
                + ". Wait for it to end; a PAUSED one: resume or compensate it first", d);
    }

    static SagaConflict superseded(UUID saga, List<HostClaims.Later> later, List<String> wouldUndo) {
        String by = later.stream().map(l -> "saga " + l.saga() + " (lab " + l.labId() + ", " + l.status() + ", " + l.createdAt() + ") on "
                + String.join(", ", l.hosts())).collect(Collectors.joining("; "));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("supersededBy", later.stream().map(l -> Map.of("saga", l.saga().toString(), "lab", l.labId(), "status", l.status(),
                "hosts", l.hosts())).toList());
        d.put("wouldUndo", wouldUndo);
        return new SagaConflict("Superseded by a later saga", "saga " + saga + " changed hosts that later sagas changed since: " + by
                + ". Compensating it would undo " + String.join(", ", wouldUndo) + " under them. Compensate the later sagas first, or"
                + " force it (labforge compensate --force, or POST /api/sagas/" + saga + "/compensate?force=true)", d);
    }

    static SagaConflict hostsOffline(Map<String, java.time.Instant> since) {
        String who = since.entrySet().stream().map(e -> e.getKey() + " (nothing heard from its agent since "
                + e.getValue().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")")
                .collect(Collectors.joining(", "));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("offline", since.entrySet().stream().map(e -> Map.of("host", e.getKey(), "lastSeen", e.getValue().toString())).toList());
        return new SagaConflict("Hosts offline", "the failed steps run on hosts that are offline: " + who
                + ". Start their agents (systemctl start labforge-agent on the host, or labforge hosts bootstrap), then resume", d);
    }

    /** A lab naming hosts on which no agent ever announced itself: refused before anything is written. */
    public static SagaConflict hostsNeverSeen(List<String> hosts) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("neverSeen", hosts);
        return new SagaConflict("Hosts without an agent", "no agent has announced itself on " + firstOf(hosts)
                + ": install the agents first (labforge hosts bootstrap LAB.yaml --kafka HOST:PORT), then submit the lab again", d);
    }

    /** At most ten names, then how many more: the problem's property holds them all, its text stays readable. */
    static String firstOf(List<String> names) {
        return names.size() <= 10 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 10)) + " and " + (names.size() - 10) + " more (all in neverSeen)";
    }
}
