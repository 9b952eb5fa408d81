package io.labforge.common.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** IP address literals (never looked up as names). */
public final class IpAddress {
    private static final Pattern V4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern V6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");

    private IpAddress() {
    }

    public static boolean isV4(String s) {
        return s != null && V4.matcher(s).matches();
    }

    /** An IPv4 literal, or an IPv6 one (parsed without any name lookup: it holds a ':'). */
    public static boolean isAddress(String s) {
        if (isV4(s)) {
            return true;
        }
        if (s == null || !s.contains(":") || !V6.matcher(s).matches()) {
            return false;
        }
        try {
            return InetAddress.getByName(s) instanceof Inet6Address;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** A loopback or unspecified address ({@code 127.0.0.0/8}, {@code ::1}, {@code 0.0.0.0}, {@code ::}): never a remote host's. */
    public static boolean isLocal(String s) {
        if (!isAddress(s)) {
            return false;
        }
        try {
            InetAddress a = InetAddress.getByName(s); // a literal: no name lookup
            return a.isLoopbackAddress() || a.isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** {@code s} if it is an address literal; throws otherwise. */
    public static String of(String s) {
        if (!isAddress(s)) {
            throw new IllegalArgumentException("'" + s + "' is not an IP address");
        }
        return s;
    }

    /** {@code a.b.c.d/len} or an IPv6 network. */
    public static boolean isCidr(String s) {
        int slash = s == null ? -1 : s.indexOf('/');
        if (slash < 0) {
            return false;
        }
        try {
            int bits = Integer.parseInt(s.substring(slash + 1));
            String addr = s.substring(0, slash);
            return isV4(addr) ? bits >= 0 && bits <= 32 : isAddress(addr) && bits >= 0 && bits <= 128;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** {@code host:port} where host is a DNS name, an IPv4 literal or a bracketed IPv6 literal. */
    public static boolean isHostPort(String s) {
        int colon = s == null ? -1 : s.lastIndexOf(':');
        if (colon <= 0) {
            return false;
        }
        String host = s.substring(0, colon);
        boolean hostOk = isV4(host) || Dns.isName(host)
                || host.startsWith("[") && host.endsWith("]") && isAddress(host.substring(1, host.length() - 1));
        try {
            int p = Integer.parseInt(s.substring(colon + 1));
            return hostOk && p >= 1 && p <= 65535;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
