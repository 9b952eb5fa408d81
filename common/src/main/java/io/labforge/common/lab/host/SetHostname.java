package io.labforge.common.lab.host;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/** R1. Outputs: {@code hostname}, {@code fqdn}, {@code previousHostname}. */
@Message(name = "agent.SetHostname")
public record SetHostname(String hostname, String domain) implements AgentCommand {
    public static final Output<SetHostname, String> HOSTNAME = Output.text("hostname");
    public static final Output<SetHostname, String> FQDN = Output.text("fqdn");
    public static final Output<SetHostname, String> PREVIOUS_HOSTNAME = Output.text("previousHostname");
}
