package io.labforge.agent.executor.disk;

import io.labforge.common.messaging.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** What is mounted where, parsed from {@code findmnt --json --list --output TARGET,SOURCE,FSTYPE}. */
public record Mounts(List<Mount> all) {

    public record Mount(String target, String source, String fstype) {
    }

    public static List<String> command() {
        return List.of("findmnt", "--json", "--list", "--output", "TARGET,SOURCE,FSTYPE");
    }

    public static Mounts parse(String json) {
        JsonNode root;
        try {
            root = Json.read(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("findmnt did not print JSON: " + json.strip(), e);
        }
        List<Mount> out = new ArrayList<>();
        root.path("filesystems").forEach(f -> out.add(new Mount(f.path("target").asString(""),
                f.path("source").asString(""), f.path("fstype").asString(""))));
        return new Mounts(List.copyOf(out));
    }

    /** The filesystem mounted last (the visible one) at a target. */
    public Optional<Mount> at(String target) {
        Mount found = null;
        for (Mount m : all) {
            if (m.target().equals(target)) {
                found = m;
            }
        }
        return Optional.ofNullable(found);
    }
}
