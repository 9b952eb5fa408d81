package io.labforge.common.lab.tls;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * A private key the lab gives (a secret, with {@code gitlab.tls}) written as {@code dir/keyFile},
 * mode 600, root's; an empty {@code keyPem} removes the file (the undo of a step that created it).
 * Secret output {@code previous}: what the file held ("" when none), for the undo.
 */
@Message(name = "agent.InstallTlsKey")
public record InstallTlsKey(String dir, String keyFile, String keyPem) implements AgentCommand {
    /** What the key file held ("" when none), for the undo. */
    public static final Output<InstallTlsKey, String> PREVIOUS = Output.secret("previous");
}
