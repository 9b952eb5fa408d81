package io.labforge.common.worker;

import io.labforge.common.messaging.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The agent's memory of what it executed: per command (its message id) the final event it sent. A redelivered or replayed command gets that event back instead of
 * running again. Kept as JSON lines, synced to disk before the event is sent, compacted at start.
 */
public final class Journal implements AutoCloseable {
    static final int KEEP = 20_000;

    /** The recorded end of a command: the event's logical type and its payload. */
    public record Entry(String eventType, JsonNode payload) {
    }

    private final Path file;
    private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > KEEP;
        }
    };
    private BufferedWriter out;

    public Journal(Path file) {
        this.file = file;
        try {
            Files.createDirectories(file.getParent());
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (String line : lines) {
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        JsonNode n = Json.read(line);
                        entries.put(n.get("key").asString(), new Entry(n.get("type").asString(), n.get("payload")));
                    } catch (RuntimeException e) {
                        // a torn last line after a crash: that command had not reported yet and will run again
                    }
                }
                if (lines.size() > entries.size() * 2 + 100) {
                    compact();
                }
            }
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the agent journal " + file, e);
        }
    }

    public synchronized Optional<Entry> find(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    public synchronized void record(String key, String eventType, JsonNode payload) {
        entries.put(key, new Entry(eventType, payload));
        ObjectNode line = Json.object().put("key", key).put("type", eventType);
        line.set("payload", payload);
        try {
            out.write(Json.write(line));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the agent journal " + file, e);
        }
    }

    private void compact() throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                ObjectNode line = Json.object().put("key", e.getKey()).put("type", e.getValue().eventType());
                line.set("payload", e.getValue().payload());
                w.write(Json.write(line));
                w.newLine();
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
