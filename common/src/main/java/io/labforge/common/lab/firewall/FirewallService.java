package io.labforge.common.lab.firewall;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/** A firewalld service name ({@code https}, {@code ssh}), as {@code firewall-cmd --get-services} lists them. */
public record FirewallService(String name) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.+-]{0,63}");
    /** How to write one, for error messages. */
    public static final String FIX = "use a name from 'firewall-cmd --get-services', e.g. https";

    public FirewallService {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a firewalld service name");
        }
    }

    @JsonCreator
    public static FirewallService of(String name) {
        return new FirewallService(name);
    }

    @JsonValue
    @Override
    public String toString() {
        return name;
    }
}
