package io.labforge.agent.executor.firewall;

import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.agent.AgentCommand.CloseFirewallPorts;
import io.labforge.common.messaging.Json;
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
        FirewallExecutor.validate(c.zone(), c.ports(), c.services());
        FirewallBackend fw = FirewallExecutor.backend(ctx);
        Set<String> openPorts = fw.ports(c.zone());
        Set<String> openServices = fw.services(c.zone());
        List<String> ports = c.ports().stream().filter(openPorts::contains).toList();
        List<String> services = c.services().stream().filter(openServices::contains).toList();
        boolean changed = !ports.isEmpty() || !services.isEmpty();
        if (changed && apply) {
            fw.remove(c.zone(), ports, services);
        }
        return Outcome.of(changed, changed ? "- " + fw.name() + " zone " + c.zone() + ": " + ports + " " + services
                : "nothing to close", Json.object());
    }
}
