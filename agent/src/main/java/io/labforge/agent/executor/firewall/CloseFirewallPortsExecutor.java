package io.labforge.agent.executor.firewall;

import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.firewall.CloseFirewallPorts;
import io.labforge.common.lab.firewall.FirewallService;
import io.labforge.common.messaging.Json;
import io.labforge.common.net.PortRange;
import java.util.List;
import java.util.Set;

/** Undoes a firewall step: closes what it opened, and only that. */
public final class CloseFirewallPortsExecutor extends DiffingExecutor<CloseFirewallPorts> {

    @Override
    public Class<CloseFirewallPorts> commandType() {
        return CloseFirewallPorts.class;
    }

    @Override
    protected Outcome run(CloseFirewallPorts c, StepContext ctx, boolean apply) {
        String zone = c.zone().name();
        FirewallBackend fw = FirewallExecutor.backend(ctx);
        Set<String> openPorts = fw.ports(zone);
        Set<String> openServices = fw.services(zone);
        List<String> ports = c.ports().stream().map(PortRange::toString).filter(openPorts::contains).toList();
        List<String> services = c.services().stream().map(FirewallService::name).filter(openServices::contains).toList();
        boolean changed = !ports.isEmpty() || !services.isEmpty();
        if (changed && apply) {
            fw.remove(zone, ports, services);
        }
        return Outcome.of(changed, changed ? "- " + fw.name() + " zone " + zone + ": " + ports + " " + services
                : "nothing to close", Json.object());
    }
}
