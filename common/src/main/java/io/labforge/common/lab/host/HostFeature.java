package io.labforge.common.lab.host;

import io.labforge.common.lab.Feature;
import java.util.List;

/** Host basics (R1): the host's name and the lab's names in {@code /etc/hosts}, from the core of the lab file. */
public final class HostFeature {
    public static final Feature FEATURE = new Feature("host", List.of(), List.of(),
            List.of(SetHostname.class, RestoreHostname.class, EnsureHostsEntries.class, RestoreHostsEntries.class));

    private HostFeature() {
    }
}
