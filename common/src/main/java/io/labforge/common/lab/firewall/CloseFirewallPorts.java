package io.labforge.common.lab.firewall;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.net.PortRange;
import java.util.List;

/** Undoes {@link OpenFirewallPorts}: closes only what it opened. */
@Message(name = "agent.CloseFirewallPorts")
public record CloseFirewallPorts(FirewallZone zone, List<PortRange> ports, List<FirewallService> services) implements AgentCommand {
    public CloseFirewallPorts {
        ports = ports == null ? List.of() : List.copyOf(ports);
        services = services == null ? List.of() : List.copyOf(services);
    }
}
