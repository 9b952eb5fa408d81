package io.labforge.common.lab.sysctl;

import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabReading;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Kernel parameters a host must have (R24: {@code net.ipv4.ip_forward: 1}), by their sysctl name. A
 * host's are its roles', then its own, a later value of a key winning.
 */
public record SysctlSpec(Map<String, String> values) {
    public static final SysctlSpec NONE = new SysctlSpec(Map.of());
    private static final Pattern KEY = Pattern.compile("[a-z0-9_]+(\\.[a-zA-Z0-9_-]+)+");
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9._ -]{1,64}");

    public SysctlSpec {
        values = values == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /** A host's kernel parameters as the lab says. */
    public static SysctlSpec of(Lab lab, Lab.Host host) {
        return lab.setting(host, SysctlReader.SETTING);
    }

    /** A host's kernel parameters as the lab says, while a later section is read. */
    public static SysctlSpec of(LabReading in, Lab.Host host) {
        return in.setting(host, SysctlReader.SETTING);
    }

    /** A sysctl name: dotted lowercase words ({@code net.ipv4.ip_forward}); never a path. */
    public static boolean isKey(String key) {
        return key != null && KEY.matcher(key).matches();
    }

    /** A value as sysctl takes it: a number, or words of letters, digits and {@code ._-}. */
    public static boolean isValue(String value) {
        return value != null && VALUE.matcher(value).matches() && !value.isBlank();
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    SysctlSpec merge(SysctlSpec over) {
        Map<String, String> m = new TreeMap<>(values);
        m.putAll(over.values);
        return new SysctlSpec(m);
    }
}
