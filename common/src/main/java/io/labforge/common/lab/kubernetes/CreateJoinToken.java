package io.labforge.common.lab.kubernetes;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * R27: a bootstrap token made fresh for one node's join ({@code kubeadm token create}, valid
 * {@code ttlMinutes}); a secret output, sealed to the joining node. Nothing to undo: it expires.
 */
@Message(name = "agent.CreateJoinToken")
public record CreateJoinToken(String forNode, int ttlMinutes) implements AgentCommand {
    public static final Output<CreateJoinToken, String> TOKEN = Output.secret("token");
}
