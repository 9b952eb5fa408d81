package io.labforge.common.lab.disk;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A disk or volume size: {@code 30G}, {@code 512M}, {@code 1T} (binary units, as LVM reads them), or
 * a percentage of the free space, {@code 100%FREE}. In JSON it is that text.
 */
public record Size(long bytes, int percentFree) {
    private static final Pattern ABSOLUTE = Pattern.compile("(\\d+)\\s*([KMGT])i?B?", Pattern.CASE_INSENSITIVE);
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,3})%FREE", Pattern.CASE_INSENSITIVE);

    @JsonCreator
    public static Size parse(String text) {
        String t = text.trim();
        Matcher m = ABSOLUTE.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
                case "K" -> 10;
                case "M" -> 20;
                case "G" -> 30;
                default -> 40;
            };
            if (n <= 0 || n > (Long.MAX_VALUE >> shift)) {
                throw new IllegalArgumentException("size '" + text + "' is out of range");
            }
            return new Size(n << shift, 0);
        }
        Matcher p = PERCENT.matcher(t);
        if (p.matches()) {
            int pct = Integer.parseInt(p.group(1));
            if (pct < 1 || pct > 100) {
                throw new IllegalArgumentException("percentage '" + text + "' must be between 1 and 100");
            }
            return new Size(0, pct);
        }
        throw new IllegalArgumentException("'" + text + "' is not a size");
    }

    public boolean isPercent() {
        return percentFree > 0;
    }

    @JsonValue
    @Override
    public String toString() {
        if (isPercent()) {
            return percentFree + "%FREE";
        }
        String[] units = {"K", "M", "G", "T"};
        for (int i = units.length - 1; i >= 0; i--) {
            long unit = 1L << (10 * (i + 1));
            if (bytes % unit == 0) {
                return (bytes / unit) + units[i];
            }
        }
        return bytes + "B";
    }
}
