package io.labforge.common.id;

import io.labforge.common.net.Dns;
import java.util.regex.Pattern;

/** Shared validation of the typed ids: a lowercase DNS label, so an id is safe in a hostname, a topic key and a path. */
final class Ids {
    private static final Pattern STEP = Pattern.compile("[a-z0-9][a-z0-9@._:-]{0,199}");

    private Ids() {
    }

    static String label(String kind, String value) {
        return Dns.label(kind, value);
    }

    static String step(String value) {
        if (value == null || !STEP.matcher(value).matches()) {
            throw new IllegalArgumentException("step id '" + value + "' is not valid: use lowercase letters, digits and -._:@");
        }
        return value;
    }
}
