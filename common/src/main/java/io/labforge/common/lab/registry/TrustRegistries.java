package io.labforge.common.lab.registry;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;
import java.util.List;

/**
 * R6, R19. Trust these registries' CA: {@code /etc/docker/certs.d/<registry>/ca.crt}, which the
 * Docker daemon reads at each pull and push, without a restart. Outputs: {@code previous}, per
 * registry the certificate that was there (empty when none).
 */
@Message(name = "agent.TrustRegistries")
public record TrustRegistries(List<RegistryCa> registries) implements AgentCommand {
    /** Per registry, the certificate that was there ("" when none): the undo puts it back. */
    public static final Output<TrustRegistries, List<RegistryCa>> PREVIOUS = Output.list("previous");
}
