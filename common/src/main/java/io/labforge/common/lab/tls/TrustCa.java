package io.labforge.common.lab.tls;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * R5: the host's own CA store trusts {@code caPem} (curl, git, gitlab-runner, the JDK through
 * ca-certificates): {@code /usr/local/share/ca-certificates/labforge-<name>.crt}, then
 * {@code update-ca-certificates}. Outputs {@code previous} (what that file held; empty when none).
 */
@Message(name = "agent.TrustCa")
public record TrustCa(String name, String caPem) implements AgentCommand {
    /** What the CA file held ("" when none). */
    public static final Output<TrustCa, String> PREVIOUS = Output.text("previous");
}
