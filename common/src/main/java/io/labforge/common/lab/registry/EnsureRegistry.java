package io.labforge.common.lab.registry;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * R19: a Docker registry on this host (Debian's {@code docker-registry}, installed if missing) on
 * {@code port}, over TLS with the key and certificate in {@code tlsDir}, no authentication, images
 * under {@code /var/lib/docker-registry}. Outputs {@code previousConfig}, {@code existed} for its undo.
 */
@Message(name = "agent.EnsureRegistry")
public record EnsureRegistry(int port, String tlsDir) implements AgentCommand {
    public static final Output<EnsureRegistry, String> PREVIOUS_CONFIG = Output.text("previousConfig");
    public static final Output<EnsureRegistry, Boolean> EXISTED = Output.flag("existed");
    public static final Output<EnsureRegistry, Boolean> WAS_ENABLED = Output.flag("wasEnabled");
    public static final Output<EnsureRegistry, Boolean> WAS_ACTIVE = Output.flag("wasActive");
}
