package io.labforge.agent.executor.firewall;

import java.util.Collection;
import java.util.Set;

/** firewalld or nftables: what is open in a zone, and opening or closing more. */
interface FirewallBackend {
    String name();

    Set<String> ports(String zone);

    Set<String> services(String zone);

    void add(String zone, Collection<String> ports, Collection<String> services);

    void remove(String zone, Collection<String> ports, Collection<String> services);

    /** The applied configuration, as the backend prints it: evidence for the lab report (R2). */
    String rules(String zone);
}
