package io.labforge.common.lab.secret;

import io.labforge.common.command.OrchestratorCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * A secret the lab names ({@code {secret: NAME}}) from the orchestrator's store: the environment
 * variable {@code LABFORGE_SECRET_<NAME>}, else the file {@code <state dir>/secrets/<NAME>}. Secret
 * output {@code value}: stored encrypted, and sealed to each worker whose command uses it.
 */
@Message(name = "orchestrator.ReadSecret")
public record ReadSecret(String name) implements OrchestratorCommand {
    public static final Output<ReadSecret, String> VALUE = Output.secret("value");
}
