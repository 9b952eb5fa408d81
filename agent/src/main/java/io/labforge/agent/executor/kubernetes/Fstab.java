package io.labforge.agent.executor.kubernetes;

import java.util.ArrayList;
import java.util.List;

/**
 * The swap entries of {@code /etc/fstab}: commented out with Labforge's mark, so that the undo restores
 * exactly those and no entry an administrator commented out.
 */
final class Fstab {
    static final String FILE = "/etc/fstab";
    static final String MARK = "#labforge-swap-off# ";

    private Fstab() {
    }

    /** Whether a line is an active swap entry (third field {@code swap}). */
    static boolean isSwap(String line) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
            return false;
        }
        String[] f = t.split("\\s+");
        return f.length >= 3 && f[2].equals("swap");
    }

    /** The active swap entries. */
    static List<String> swaps(String fstab) {
        return fstab.lines().filter(Fstab::isSwap).toList();
    }

    /** The file with its active swap entries commented out with the mark. */
    static String commentOut(String fstab) {
        return map(fstab, l -> isSwap(l) ? MARK + l : l);
    }

    /** The file with the entries this mark commented out active again. */
    static String restore(String fstab) {
        return map(fstab, l -> l.startsWith(MARK) ? l.substring(MARK.length()) : l);
    }

    static boolean hasMarked(String fstab) {
        return fstab.lines().anyMatch(l -> l.startsWith(MARK));
    }

    private static String map(String fstab, java.util.function.UnaryOperator<String> f) {
        List<String> out = new ArrayList<>();
        fstab.lines().forEach(l -> out.add(f.apply(l)));
        return out.isEmpty() ? fstab : String.join("\n", out) + (fstab.endsWith("\n") ? "\n" : "");
    }
}
