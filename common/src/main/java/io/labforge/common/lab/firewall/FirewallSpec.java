package io.labforge.common.lab.firewall;

import io.labforge.common.lab.Lab;
import io.labforge.common.net.PortRange;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** R2, R16: what a host's firewall opens. {@code zone} null means the default ({@code public}). */
public record FirewallSpec(FirewallZone zone, List<PortRange> ports, List<FirewallService> services) {
    public static final FirewallSpec EMPTY = new FirewallSpec(null, List.of(), List.of());

    public FirewallSpec {
        ports = List.copyOf(ports);
        services = List.copyOf(services);
    }

    /** A host's firewall as the lab says: its roles' openings, in the order named, then its own. */
    public static FirewallSpec of(Lab lab, Lab.Host host) {
        return lab.setting(host, FirewallReader.SETTING);
    }

    /** Openings of ports alone (what other features add to a host's firewall). */
    public static FirewallSpec ports(PortRange... ports) {
        return new FirewallSpec(null, List.of(ports), List.of());
    }

    public boolean isEmpty() {
        return ports.isEmpty() && services.isEmpty();
    }

    /** This spec with {@code over}'s zone (when set) and both sets of openings. */
    public FirewallSpec merge(FirewallSpec over) {
        Set<PortRange> p = new LinkedHashSet<>(ports);
        p.addAll(over.ports);
        Set<FirewallService> s = new LinkedHashSet<>(services);
        s.addAll(over.services);
        return new FirewallSpec(over.zone != null ? over.zone : zone, List.copyOf(p), List.copyOf(s));
    }
}
