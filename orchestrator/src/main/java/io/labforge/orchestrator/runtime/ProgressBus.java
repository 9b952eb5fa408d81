package io.labforge.orchestrator.runtime;

import io.labforge.common.id.SagaId;
import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.saga.Effect;
import io.labforge.orchestrator.saga.Saga;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Live progress: what happened to a saga, pushed to whoever watches it (SSE, the demo's console). */
public final class ProgressBus {
    private final Map<SagaId, List<Consumer<JsonNode>>> watchers = new ConcurrentHashMap<>();
    private final List<Consumer<JsonNode>> everything = new CopyOnWriteArrayList<>();

    public Runnable watch(SagaId saga, Consumer<JsonNode> watcher) {
        watchers.computeIfAbsent(saga, k -> new CopyOnWriteArrayList<>()).add(watcher);
        return () -> watchers.getOrDefault(saga, List.of()).remove(watcher);
    }

    public Runnable watchAll(Consumer<JsonNode> watcher) {
        everything.add(watcher);
        return () -> everything.remove(watcher);
    }

    /** What a committed change of a saga means to its watchers: each audited event and progress line. */
    void publish(Saga saga, List<Effect> effects) {
        for (Effect e : effects) {
            ObjectNode update = Json.object().put("sagaId", saga.id().toString()).put("status", saga.status().name());
            if (e instanceof Effect.Audit a) {
                update.put("event", a.action()).put("step", a.step() == null ? null : a.step().value()).put("target", a.target());
                update.set("detail", a.detail());
            } else if (e instanceof Effect.Progress p) {
                update.put("event", "step.progress").put("step", p.step().value()).put("target", p.target()).put("line", p.line());
            } else {
                continue;
            }
            publish(saga.id(), update);
        }
    }

    void publish(SagaId saga, JsonNode update) {
        for (Consumer<JsonNode> w : watchers.getOrDefault(saga, List.of())) {
            safe(w, update);
        }
        for (Consumer<JsonNode> w : everything) {
            safe(w, update);
        }
    }

    private static void safe(Consumer<JsonNode> w, JsonNode update) {
        try {
            w.accept(update);
        } catch (RuntimeException e) {
            // a watcher that went away must not stop the saga
        }
    }
}
