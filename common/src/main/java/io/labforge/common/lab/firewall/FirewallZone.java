package io.labforge.common.lab.firewall;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/** A firewalld zone name ({@code public}); nftables uses it as the name of Labforge's chain set. */
public record FirewallZone(String name) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,17}");
    /** How to write one, for error messages. */
    public static final String FIX = "use letters, digits, '-' or '_', e.g. public";
    public static final FirewallZone PUBLIC = new FirewallZone("public");

    public FirewallZone {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a firewalld zone name");
        }
    }

    @JsonCreator
    public static FirewallZone of(String name) {
        return new FirewallZone(name);
    }

    @JsonValue
    @Override
    public String toString() {
        return name;
    }
}
