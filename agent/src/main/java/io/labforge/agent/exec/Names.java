package io.labforge.agent.exec;

import io.labforge.common.exec.ExecutorException;

import java.util.regex.Pattern;

/**
 * Checks the agent applies to every value it writes into a host file or an argv, whatever the
 * orchestrator validated: a name with a newline or a space would add lines to {@code /etc/hosts}.
 */
public final class Names {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern DNS = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");

    private Names() {
    }

    public static String hostLabel(String s) {
        if (s == null || !LABEL.matcher(s).matches()) {
            throw ExecutorException.refused("'" + s + "' is not a valid host name (RFC 1123 label)");
        }
        return s;
    }

    public static String dnsName(String s) {
        if (s == null || !DNS.matcher(s).matches()) {
            throw ExecutorException.refused("'" + s + "' is not a valid DNS name");
        }
        return s;
    }

    public static String address(String s) {
        if (s == null || !(IPV4.matcher(s).matches() || s.contains(":") && IPV6.matcher(s).matches())) {
            throw ExecutorException.refused("'" + s + "' is not an IP address");
        }
        return s;
    }
}
