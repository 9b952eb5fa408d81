package io.labforge.common.lab.tls;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * A TLS key made on the host, in {@code dir}/key.pem (mode 600; kept when it exists), so the
 * private key never travels. Outputs: {@code csr} (PEM, for the lab's CA), {@code created}.
 */
@Message(name = "agent.CreateTlsKey")
public record CreateTlsKey(String dir, String commonName, String keyFile) implements AgentCommand {
    /** The certificate request (PEM), for the lab's CA. */
    public static final Output<CreateTlsKey, String> CSR = Output.text("csr");
    public static final Output<CreateTlsKey, Boolean> CREATED = Output.flag("created");
    /** The key's file name in {@code dir}: {@code key.pem} unless given (GitLab wants {@code <host>.key}). */
    public String keyFileName() {
        return keyFile == null ? "key.pem" : keyFile;
    }
}
