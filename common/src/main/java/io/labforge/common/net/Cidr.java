package io.labforge.common.net;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** IPv4 networks written {@code a.b.c.d/len}. */
public final class Cidr {
    private static final Pattern CIDR = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");
    private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private Cidr() {
    }

    public static boolean valid(String cidr) {
        Matcher m = CIDR.matcher(cidr);
        return m.matches() && octets(m) >= 0 && Integer.parseInt(m.group(5)) <= 32;
    }

    /** Whether the IPv4 {@code address} lies in {@code cidr} (false for anything else, e.g. IPv6). */
    public static boolean contains(String cidr, String address) {
        Matcher c = CIDR.matcher(cidr);
        Matcher a = V4.matcher(address);
        if (!c.matches() || !a.matches()) {
            return false;
        }
        long net = octets(c);
        long addr = octets(a);
        int len = Integer.parseInt(c.group(5));
        long mask = len == 0 ? 0 : (0xffffffffL << (32 - len)) & 0xffffffffL;
        return net >= 0 && addr >= 0 && (net & mask) == (addr & mask);
    }

    /** Whether two IPv4 networks share an address (one holds the other's first address, the smaller lying in the larger). */
    public static boolean overlaps(String a, String b) {
        Matcher x = CIDR.matcher(a);
        Matcher y = CIDR.matcher(b);
        if (!x.matches() || !y.matches()) {
            return false;
        }
        long nx = octets(x);
        long ny = octets(y);
        if (nx < 0 || ny < 0) {
            return false;
        }
        int len = Math.min(Integer.parseInt(x.group(5)), Integer.parseInt(y.group(5)));
        long mask = len == 0 ? 0 : (0xffffffffL << (32 - len)) & 0xffffffffL;
        return (nx & mask) == (ny & mask);
    }

    private static long octets(Matcher m) {
        long v = 0;
        for (int i = 1; i <= 4; i++) {
            int o = Integer.parseInt(m.group(i));
            if (o > 255) {
                return -1;
            }
            v = v << 8 | o;
        }
        return v;
    }
}
