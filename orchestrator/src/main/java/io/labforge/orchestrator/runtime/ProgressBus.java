package io.labforge.orchestrator.runtime;

import io.labforge.common.id.SagaId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

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
