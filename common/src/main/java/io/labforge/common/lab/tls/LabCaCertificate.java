package io.labforge.common.lab.tls;

import io.labforge.common.command.OrchestratorCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/** The lab's CA certificate (PEM), output {@code ca}: what the lab's workers trust GitLab by. */
@Message(name = "orchestrator.LabCaCertificate")
public record LabCaCertificate() implements OrchestratorCommand {
    public static final Output<LabCaCertificate, String> CA = Output.text("ca");
}
