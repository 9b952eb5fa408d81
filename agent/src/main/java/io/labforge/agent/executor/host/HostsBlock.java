package io.labforge.agent.executor.host;

import java.util.ArrayList;
import java.util.List;

/**
 * The part of {@code /etc/hosts} Labforge owns: the lines between its two markers. Everything
 * outside them is the host's and is kept as it is.
 */
record HostsBlock(List<String> before, List<String> block, List<String> after, boolean present) {
    static final String BEGIN = "# BEGIN labforge (managed by Labforge: edits between these lines are replaced)";
    static final String END = "# END labforge";

    static HostsBlock parse(String content) {
        List<String> before = new ArrayList<>();
        List<String> block = new ArrayList<>();
        List<String> after = new ArrayList<>();
        int section = 0;
        for (String line : content.split("\n", -1)) {
            if (section == 0 && line.startsWith("# BEGIN labforge")) {
                section = 1;
            } else if (section == 1 && line.equals(END)) {
                section = 2;
            } else {
                (section == 0 ? before : section == 1 ? block : after).add(line);
            }
        }
        if (section == 1) {
            // a BEGIN without END: treat the file as not having a block rather than eat the rest of it
            List<String> all = new ArrayList<>(List.of(content.split("\n", -1)));
            return new HostsBlock(all, List.of(), List.of(), false);
        }
        trimTrailingEmpty(before);
        trimTrailingEmpty(after);
        return new HostsBlock(before, block, after, section == 2);
    }

    /** The file with this block content; an empty block removes the markers too. */
    String render(List<String> newBlock) {
        List<String> lines = new ArrayList<>(before);
        if (!newBlock.isEmpty()) {
            lines.add(BEGIN);
            lines.addAll(newBlock);
            lines.add(END);
        }
        lines.addAll(after);
        return String.join("\n", lines) + "\n";
    }

    private static void trimTrailingEmpty(List<String> lines) {
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
    }
}
