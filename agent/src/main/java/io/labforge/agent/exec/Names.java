package io.labforge.agent.exec;

import io.labforge.common.exec.ExecutorException;
import io.labforge.common.net.Dns;
import io.labforge.common.net.IpAddress;

/**
 * Checks the agent applies to every value it writes into a host file or an argv, whatever the
 * orchestrator validated: a name with a newline or a space would add lines to {@code /etc/hosts}. The
 * rules are common's ({@link Dns}, {@link IpAddress}); a value that breaks them refuses the step.
 */
public final class Names {
    private Names() {
    }

    public static String hostLabel(String s) {
        if (!Dns.isLabel(s)) {
            throw ExecutorException.refused("'" + s + "' is not a valid host name (RFC 1123 label)");
        }
        return s;
    }

    public static String dnsName(String s) {
        if (!Dns.isName(s)) {
            throw ExecutorException.refused("'" + s + "' is not a valid DNS name");
        }
        return s;
    }

    public static String address(String s) {
        if (!IpAddress.isAddress(s)) {
            throw ExecutorException.refused("'" + s + "' is not an IP address");
        }
        return s;
    }
}
