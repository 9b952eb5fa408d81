package io.labforge.common.lab.kubernetes;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;

/**
 * R28: on the control plane, a token for the ServiceAccount {@code namespace/account}
 * ({@code kubectl create token}, valid {@code hours}) written to {@code ~user/<file>} (mode 600, the
 * user's): the token never leaves the node. {@code hours} 0 removes the file (the undo).
 */
@Message(name = "agent.WriteServiceAccountToken")
public record WriteServiceAccountToken(String namespace, String account, int hours, String user, String file) implements AgentCommand {
}
