package io.labforge.common.lab.tls;

import io.labforge.common.command.OrchestratorCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;
import java.util.List;

/**
 * Signs a host's certificate request with the lab's CA. The names come from the lab, not from
 * the request. Outputs: {@code certificate}, {@code ca} (both PEM).
 */
@Message(name = "orchestrator.SignCertificate")
public record SignCertificate(String csr, String commonName, List<String> dnsNames, List<String> ipAddresses, String usage)
        implements OrchestratorCommand {
    public static final Output<SignCertificate, String> CERTIFICATE = Output.text("certificate");
    public static final Output<SignCertificate, String> CA = Output.text("ca");
}
