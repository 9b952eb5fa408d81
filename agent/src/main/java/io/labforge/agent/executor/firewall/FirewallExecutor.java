package io.labforge.agent.executor.firewall;

import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.firewall.FirewallService;
import io.labforge.common.lab.firewall.OpenFirewallPorts;
import io.labforge.common.messaging.Json;
import io.labforge.common.net.PortRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * R2, R16: opens ports and services, through firewalld when it runs, nftables otherwise. Reports only
 * what it opened itself ({@code addedPorts}, {@code addedServices}), so its compensation never closes
 * what was open before Labforge came.
 */
public final class FirewallExecutor extends DiffingExecutor<OpenFirewallPorts> {
    @Override
    public Class<OpenFirewallPorts> commandType() {
        return OpenFirewallPorts.class;
    }

    static FirewallBackend backend(StepContext ctx) {
        return Firewalld.running(ctx) ? new Firewalld(ctx) : new Nftables(ctx);
    }

    @Override
    protected Outcome run(OpenFirewallPorts c, StepContext ctx, boolean apply) {
        // zone, ports and services were checked when the command was decoded (their types validate themselves)
        String zone = c.zone().name();
        List<String> ports = c.ports().stream().map(PortRange::toString).toList();
        List<String> services = c.services().stream().map(FirewallService::name).toList();
        FirewallBackend fw = backend(ctx);
        Set<String> openPorts = fw.ports(zone);
        Set<String> openServices = fw.services(zone);
        List<String> addPorts = new ArrayList<>(ports.stream().filter(p -> !openPorts.contains(p)).distinct().toList());
        List<String> addServices = new ArrayList<>(services.stream().filter(s -> !openServices.contains(s)).distinct().toList());
        boolean changed = !addPorts.isEmpty() || !addServices.isEmpty();
        if (changed && apply) {
            fw.add(zone, addPorts, addServices);
        }
        StringBuilder diff = new StringBuilder();
        addPorts.forEach(p -> diff.append("+ ").append(fw.name()).append(" zone ").append(zone).append(": port ").append(p).append('\n'));
        addServices.forEach(s -> diff.append("+ ").append(fw.name()).append(" zone ").append(zone).append(": service ").append(s).append('\n'));
        ObjectNode out = Json.object().put("backend", fw.name()).put("zone", zone);
        out.set(OpenFirewallPorts.ADDED_PORTS.name(), Json.tree(addPorts));
        out.set(OpenFirewallPorts.ADDED_SERVICES.name(), Json.tree(addServices));
        out.put("rules", fw.rules(zone));
        return Outcome.of(changed, changed ? diff.toString().strip() : "zone " + zone + " already open for these", out);
    }
}
