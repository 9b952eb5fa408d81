package io.labforge.agent.executor.disk;

import io.labforge.common.messaging.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A block device as {@code lsblk} reports it, with its children (partitions, LVM volumes). Parsed from
 * {@code lsblk --json --bytes --output} {@link #COLUMNS}.
 */
public record BlockDevice(String name, String path, long size, String type, String fstype, String pttype,
        String mountpoint, String serial, String model, String uuid, List<BlockDevice> children) {

    public static final String COLUMNS = "NAME,PATH,SIZE,TYPE,FSTYPE,PTTYPE,MOUNTPOINT,SERIAL,MODEL,UUID";

    /** The argv that lists every block device. */
    public static List<String> lsblk() {
        return List.of("lsblk", "--json", "--bytes", "--output", COLUMNS);
    }

    public static List<BlockDevice> parse(String lsblkJson) {
        JsonNode root;
        try {
            root = Json.read(lsblkJson);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("lsblk did not print JSON: " + abbreviate(lsblkJson), e);
        }
        JsonNode devices = root.path("blockdevices");
        if (!devices.isArray()) {
            throw new IllegalArgumentException("lsblk's JSON has no blockdevices: " + abbreviate(lsblkJson));
        }
        List<BlockDevice> out = new ArrayList<>();
        devices.forEach(d -> out.add(of(d)));
        return List.copyOf(out);
    }

    private static BlockDevice of(JsonNode d) {
        List<BlockDevice> children = new ArrayList<>();
        d.path("children").forEach(c -> children.add(of(c)));
        String name = text(d, "name");
        String path = text(d, "path");
        return new BlockDevice(name, path != null ? path : "/dev/" + name, size(d.path("size")), text(d, "type"),
                text(d, "fstype"), text(d, "pttype"), text(d, "mountpoint"), text(d, "serial"), text(d, "model"),
                text(d, "uuid"), List.copyOf(children));
    }

    /** lsblk prints sizes as numbers with --bytes (util-linux ≥ 2.33), as strings before. */
    private static long size(JsonNode n) {
        if (n.isNumber()) {
            return n.asLong();
        }
        String s = n.asString("");
        return s.isBlank() ? 0 : Long.parseLong(s.strip());
    }

    private static String text(JsonNode d, String field) {
        JsonNode n = d.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        String s = n.asString().strip();
        return s.isEmpty() ? null : s;
    }

    public boolean isDisk() {
        return "disk".equals(type);
    }

    /** Whether it or anything on it is mounted at {@code /} or used as swap. */
    public boolean holdsRoot() {
        return "/".equals(mountpoint) || "[SWAP]".equals(mountpoint) || children.stream().anyMatch(BlockDevice::holdsRoot);
    }

    /** The first mount point on it or on its children. */
    public Optional<String> anyMountpoint() {
        if (mountpoint != null) {
            return Optional.of(mountpoint);
        }
        return children.stream().map(BlockDevice::anyMountpoint).flatMap(Optional::stream).findFirst();
    }

    /** Every device in the tree below (and including) this one. */
    public List<BlockDevice> flatten() {
        List<BlockDevice> out = new ArrayList<>();
        out.add(this);
        children.forEach(c -> out.addAll(c.flatten()));
        return out;
    }

    /** Partition names, for the agent's facts. */
    public List<String> partitions() {
        return children.stream().filter(c -> "part".equals(c.type())).map(BlockDevice::name).toList();
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() > 200 ? t.substring(0, 200) + "…" : t;
    }
}
