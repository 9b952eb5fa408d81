package io.labforge.common.lab.firewall;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.net.PortRange;
import io.labforge.common.step.Output;
import java.util.List;

/**
 * R2, R16. Opens ports ({@code 2377/tcp}, {@code 30000-32767/tcp}) and services ({@code https}) in a
 * zone, through firewalld when it runs, nftables otherwise. Reports only what this step opened, so its
 * undo never closes what was open before Labforge came.
 */
@Message(name = "agent.OpenFirewallPorts")
public record OpenFirewallPorts(FirewallZone zone, List<PortRange> ports, List<FirewallService> services) implements AgentCommand {
    /** {@code firewalld} or {@code nftables}. */
    public static final Output<OpenFirewallPorts, String> BACKEND = Output.text("backend");
    public static final Output<OpenFirewallPorts, String> ZONE = Output.text("zone");
    public static final Output<OpenFirewallPorts, List<PortRange>> ADDED_PORTS = Output.list("addedPorts");
    public static final Output<OpenFirewallPorts, List<FirewallService>> ADDED_SERVICES = Output.list("addedServices");
    /** The zone's configuration after the step, for the lab report. */
    public static final Output<OpenFirewallPorts, String> RULES = Output.text("rules");

    public OpenFirewallPorts {
        ports = ports == null ? List.of() : List.copyOf(ports);
        services = services == null ? List.of() : List.copyOf(services);
    }
}
