package io.labforge.agent.executor.disk;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code /etc/fstab}: finds the entry of a mount point, adds Labforge's entries (by UUID, after a
 * {@code # labforge:} comment line) and removes exactly those, keeping every other line as it was.
 */
public record Fstab(List<String> lines) {
    static final String MARK = "# labforge: ";

    public record Entry(String spec, String file, String vfstype, String options) {
    }

    public static Fstab parse(String text) {
        return new Fstab(text.isEmpty() ? List.of() : List.of(text.split("\n", -1)).stream()
                .limit(text.endsWith("\n") ? text.split("\n", -1).length - 1 : Long.MAX_VALUE).toList());
    }

    /** The entry that mounts something on {@code target}, if any. */
    public Optional<Entry> entryFor(String target) {
        for (String l : lines) {
            Optional<Entry> e = entry(l);
            if (e.isPresent() && e.get().file().equals(target)) {
                return e;
            }
        }
        return Optional.empty();
    }

    static Optional<Entry> entry(String line) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
            return Optional.empty();
        }
        String[] f = t.split("\\s+");
        if (f.length < 3) {
            return Optional.empty();
        }
        return Optional.of(new Entry(f[0], unescape(f[1]), f[2], f.length > 3 ? f[3] : "defaults"));
    }

    /** fstab writes spaces in paths as {@code \040}. */
    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t");
    }

    public Fstab with(String uuid, String target, String fstype, String label) {
        List<String> out = new ArrayList<>(lines);
        out.add(MARK + label);
        out.add("UUID=" + uuid + " " + target + " " + fstype + " defaults 0 2");
        return new Fstab(List.copyOf(out));
    }

    /** Without the entry of {@code target} that Labforge added (the one after its comment); other lines stay. */
    public Fstab without(String target) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith(MARK) && i + 1 < lines.size()
                    && entry(lines.get(i + 1)).map(e -> e.file().equals(target)).orElse(false)) {
                i++; // the comment and its entry
                continue;
            }
            out.add(l);
        }
        return new Fstab(List.copyOf(out));
    }

    public String text() {
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }
}
