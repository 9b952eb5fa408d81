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
}
