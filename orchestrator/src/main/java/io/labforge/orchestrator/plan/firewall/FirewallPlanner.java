package io.labforge.orchestrator.plan.firewall;

import io.labforge.common.lab.Lab;
import io.labforge.common.lab.firewall.CloseFirewallPorts;
import io.labforge.common.lab.firewall.FirewallSpec;
import io.labforge.common.lab.firewall.FirewallZone;
import io.labforge.common.lab.firewall.OpenFirewallPorts;
import io.labforge.orchestrator.planner.FeaturePlanner;
import io.labforge.orchestrator.planner.PlanBuilder;
import java.util.List;

/**
 * R2, R16: a host's firewall, as the lab says (roles, then the host) plus what the other features need
 * open there ({@link FeaturePlanner#openings}). Early in the chain: starting or reloading firewalld
 * flushes Docker's iptables rules, so it comes before Docker.
 */
public final class FirewallPlanner implements FeaturePlanner {
    @Override
    public void plan(PlanBuilder plan) {
        for (Lab.Host h : plan.lab().hosts()) {
            FirewallSpec fw = FirewallSpec.of(plan.lab(), h).merge(plan.openings(h));
            if (fw.isEmpty()) {
                continue;
            }
            FirewallZone zone = fw.zone() == null ? FirewallZone.PUBLIC : fw.zone();
            plan.step(PlanBuilder.id("firewall", h.name()), h.name(), new OpenFirewallPorts(zone, fw.ports(), fw.services()))
                    .inChain()
                    .undo(self -> new CloseFirewallPorts(zone, List.of(), List.of()))
                    .undoFrom("ports", OpenFirewallPorts.ADDED_PORTS)
                    .undoFrom("services", OpenFirewallPorts.ADDED_SERVICES)
                    .add();
        }
    }
}
