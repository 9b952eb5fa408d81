package io.labforge.common.net;

import java.util.regex.Pattern;

/**
 * DNS names as Labforge accepts them everywhere (lab file, ids, the agent's checks): lowercase labels
 * of RFC 1123, and names made of them. The one place these rules are written.
 */
public final class Dns {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern NAME = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    /** What a label is, for error messages. */
    public static final String LABEL_RULE = "1 to 63 lowercase letters, digits or '-', starting and ending with a letter or digit";

    private Dns() {
    }

    /** A host name, a lab name, a role name: one label. */
    public static boolean isLabel(String s) {
        return s != null && LABEL.matcher(s).matches();
    }

    /** A domain or a fully qualified name: labels separated by dots. */
    public static boolean isName(String s) {
        return s != null && NAME.matcher(s).matches();
    }

    /** {@code s} if it is a label; throws naming {@code what} otherwise. */
    public static String label(String what, String s) {
        if (!isLabel(s)) {
            throw new IllegalArgumentException(what + " '" + s + "' is not valid: use " + LABEL_RULE);
        }
        return s;
    }

    /** {@code s} if it is a DNS name; throws naming {@code what} otherwise. */
    public static String name(String what, String s) {
        if (!isName(s)) {
            throw new IllegalArgumentException(what + " '" + s + "' is not a valid DNS name");
        }
        return s;
    }
}
