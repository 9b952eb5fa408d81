package io.labforge.common.orchestrator;

import io.labforge.common.messaging.Message;
import java.util.List;

/**
 * Steps the orchestrator runs itself, in its own process (target {@code orchestrator}): work that
 * needs what only it holds, such as the lab's CA key.
 */
public sealed interface OrchestratorCommand {
    String TARGET = "orchestrator";

    /**
     * Signs a host's certificate request with the lab's CA. The names come from the lab, not from
     * the request. Outputs: {@code certificate}, {@code ca} (both PEM).
     */
    @Message(name = "orchestrator.SignCertificate")
    record SignCertificate(String csr, String commonName, List<String> dnsNames, List<String> ipAddresses, String usage)
            implements OrchestratorCommand {
    }

    /**
     * A secret the lab names ({@code {secret: NAME}}) from the orchestrator's store: the environment
     * variable {@code LABFORGE_SECRET_<NAME>}, else the file {@code <state dir>/secrets/<NAME>}. Secret
     * output {@code value}: stored encrypted, and sealed to each worker whose command uses it.
     */
    @Message(name = "orchestrator.ReadSecret")
    record ReadSecret(String name) implements OrchestratorCommand {
    }

    /** The lab's CA certificate (PEM), output {@code ca}: what the lab's workers trust GitLab by. */
    @Message(name = "orchestrator.LabCaCertificate")
    record LabCaCertificate() implements OrchestratorCommand {
    }
}
