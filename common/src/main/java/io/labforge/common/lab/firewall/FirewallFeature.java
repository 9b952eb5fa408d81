package io.labforge.common.lab.firewall;

import io.labforge.common.lab.Feature;
import java.util.List;

/** The firewall (R2, R16): a host's openings, from its roles and its own, through firewalld or nftables. */
public final class FirewallFeature {
    public static final Feature FEATURE = new Feature("firewall", List.of(), List.of(FirewallReader.SETTING),
            List.of(OpenFirewallPorts.class, CloseFirewallPorts.class));

    private FirewallFeature() {
    }
}
