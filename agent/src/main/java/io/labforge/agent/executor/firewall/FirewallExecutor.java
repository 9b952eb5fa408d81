package io.labforge.agent.executor.firewall;

import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.agent.AgentCommand.OpenFirewallPorts;
import io.labforge.common.lab.PortRange;
import io.labforge.common.messaging.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ObjectNode;

/**
 * R2, R16: opens ports and services, through firewalld when it runs, nftables otherwise. Reports only
 * what it opened itself ({@code addedPorts}, {@code addedServices}), so its compensation never closes
 * what was open before Labforge came.
 */
public final class FirewallExecutor extends DiffingExecutor<OpenFirewallPorts> {
    static final Pattern ZONE = Pattern.compile("[A-Za-z0-9_-]{1,17}");
    static final Pattern SERVICE = Pattern.compile("[a-z0-9][a-z0-9_.+-]{0,63}");

    @Override
    public Class<OpenFirewallPorts> commandType() {
        return OpenFirewallPorts.class;
    }



    static FirewallBackend backend(StepContext ctx) {
        return Firewalld.running(ctx) ? new Firewalld(ctx) : new Nftables(ctx);
    }

    static void validate(String zone, List<String> ports, List<String> services) {
        if (zone == null || !ZONE.matcher(zone).matches()) {
            throw ExecutorException.refused("'" + zone + "' is not a firewall zone name");
        }
        for (String p : ports) {
            try {
                PortRange.parse(p);
            } catch (IllegalArgumentException e) {
                throw ExecutorException.refused(e.getMessage());
            }
        }
        for (String s : services) {
            if (!SERVICE.matcher(s).matches()) {
                throw ExecutorException.refused("'" + s + "' is not a service name");
            }
        }
    }

    @Override
    protected Outcome run(OpenFirewallPorts c, StepContext ctx, boolean apply) {
        String zone = c.zone();
        List<String> ports = c.ports();
        List<String> services = c.services();
        validate(zone, ports, services);
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
        out.set("addedPorts", Json.tree(addPorts));
        out.set("addedServices", Json.tree(addServices));
        out.put("rules", fw.rules(zone));
        return Outcome.of(changed, changed ? diff.toString().strip() : "zone " + zone + " already open for these", out);
    }
}
