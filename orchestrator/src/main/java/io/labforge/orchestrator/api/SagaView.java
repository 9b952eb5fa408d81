package io.labforge.orchestrator.api;

import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.saga.Saga;
import io.labforge.orchestrator.saga.SagaEngine;
import io.labforge.orchestrator.saga.StepRun;
import io.labforge.orchestrator.saga.StepState;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** What the API shows of a saga: its steps (secret outputs redacted) and a line per host. */
public record SagaView(String id, String labId, String mode, String status, String policy, List<StepView> steps,
        List<HostView> hosts) {

    /**
     * A step: {@code needs} the steps it waits for, {@code inputs} its command's inputs as planned (a lab names its
     * secrets, never holds them, so none is here), {@code outputs} with its secret outputs redacted.
     */
    public record StepView(String id, String type, String target, String state, int attempt, int maxAttempts, Boolean changed,
            String diff, String error, List<String> needs, JsonNode inputs, JsonNode outputs, Instant startedAt, Instant finishedAt) {
    }

    public record HostView(String name, int steps, int succeeded, int failed, int running, String current,
            Instant lastSeen, String agentVersion, JsonNode facts) {
    }

    public static SagaView of(Saga saga, Map<String, Map<String, Object>> presence) {
        List<StepView> steps = new ArrayList<>();
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, String> current = new LinkedHashMap<>();
        for (StepRun r : saga.steps()) {
            steps.add(new StepView(r.spec().id().value(), r.spec().commandType(), r.spec().target(), r.state().name(),
                    r.attempt(), r.spec().retry() == null ? 1 : r.spec().retry().maxAttempts(), r.changed(), r.diff(), r.error(),
                    r.spec().dependsOn().stream().map(d -> d.value()).toList(), r.spec().inputs(), SagaEngine.redacted(r),
                    r.startedAt(), r.finishedAt()));
            int[] c = counts.computeIfAbsent(r.spec().target(), k -> new int[4]);
            c[0]++;
            if (r.state() == StepState.SUCCEEDED || r.state() == StepState.COMPENSATED) {
                c[1]++;
            } else if (r.state() == StepState.FAILED || r.state() == StepState.HELD || r.state() == StepState.COMPENSATION_FAILED) {
                c[2]++;
                current.put(r.spec().target(), r.spec().id().value() + " failed");
            } else if (r.state() == StepState.DISPATCHED || r.state() == StepState.RUNNING
                    || r.state() == StepState.COMPENSATING) {
                c[3]++;
                current.putIfAbsent(r.spec().target(), r.spec().id().value());
            }
        }
        List<HostView> hosts = new ArrayList<>();
        counts.forEach((host, c) -> {
            Map<String, Object> p = presence.getOrDefault(host, Map.of());
            Object seen = p.get("last_seen");
            Object facts = p.get("facts");
            hosts.add(new HostView(host, c[0], c[1], c[2], c[3], current.get(host),
                    seen == null ? null : ((Timestamp) seen).toInstant(), (String) p.get("agent_version"),
                    facts == null ? null : Json.read((String) facts)));
        });
        return new SagaView(saga.id().toString(), saga.labId(), saga.mode().name(), saga.status().name(),
                saga.policy().name(), steps, hosts);
    }
}
