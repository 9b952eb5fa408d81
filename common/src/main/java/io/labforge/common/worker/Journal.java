package io.labforge.common.worker;

import io.labforge.common.messaging.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
 * running again. Kept as JSON lines, each forced to disk (fsync) before the event is sent, compacted at start.
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
    private FileChannel out;

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
            out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
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
            ByteBuffer bytes = ByteBuffer.wrap((Json.write(line) + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(false); // on disk before the event that it ran is sent
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the agent journal " + file, e);
        }
    }

    private void compact() throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel w = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            StringBuilder text = new StringBuilder();
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                ObjectNode line = Json.object().put("key", e.getKey()).put("type", e.getValue().eventType());
                line.set("payload", e.getValue().payload());
                text.append(Json.write(line)).append('\n');
            }
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                w.write(bytes);
            }
            w.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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
