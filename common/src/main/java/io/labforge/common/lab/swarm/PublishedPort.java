package io.labforge.common.lab.swarm;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A service's published port, {@code published:target[/tcp|udp]} (R18), both from 1 to 65535. */
public record PublishedPort(int published, int target, String protocol) {
    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,5}):(\\d{1,5})(?:/(tcp|udp))?");
    public static final String FIX = "write e.g. 8080:80 or 53:53/udp";

    public PublishedPort {
        if (published < 1 || published > 65535 || target < 1 || target > 65535) {
            throw new IllegalArgumentException("'" + published + ":" + target + "' has a port outside 1-65535");
        }
    }

    public static PublishedPort parse(String text) {
        Matcher m = text == null ? null : SYNTAX.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not published:target");
        }
        try {
            return new PublishedPort(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3) == null ? "tcp" : m.group(3));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not published:target (ports from 1 to 65535)", e);
        }
    }
}
