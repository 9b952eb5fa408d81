package io.labforge.common.lab.swarm;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/** R17: joins the swarm of {@code managerAddress} as {@code worker} or {@code manager}; {@code token} is a secret. */
@Message(name = "agent.SwarmJoin")
public record SwarmJoin(String role, String managerAddress, String token, String advertiseAddress) implements AgentCommand {
    /** True when this step made the host a member. */
    public static final Output<SwarmJoin, Boolean> MEMBER = Output.flag("member");
}
