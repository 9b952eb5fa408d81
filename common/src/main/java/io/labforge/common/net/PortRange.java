package io.labforge.common.net;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A firewall opening: {@code 2377/tcp}, {@code 7946/udp}, {@code 30000-32767/tcp}. In JSON (commands)
 * it is that text, parsed (and so checked) when a command is decoded.
 */
public record PortRange(int from, int to, String protocol) {
    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?/(tcp|udp|sctp)");

    public PortRange {
        if (from < 1 || from > 65535 || to < from || to > 65535) {
            throw new IllegalArgumentException("port range " + from + "-" + to + " is outside 1-65535 or reversed");
        }
    }

    @JsonCreator
    public static PortRange parse(String text) {
        Matcher m = SYNTAX.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a port: write <port>/<tcp|udp>, e.g. 2377/tcp");
        }
        int from = Integer.parseInt(m.group(1));
        int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
        return new PortRange(from, to, m.group(3));
    }

    @JsonValue
    @Override
    public String toString() {
        return (from == to ? Integer.toString(from) : from + "-" + to) + "/" + protocol;
    }
}
