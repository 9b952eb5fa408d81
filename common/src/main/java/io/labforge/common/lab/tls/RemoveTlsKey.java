package io.labforge.common.lab.tls;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;

/** Undoes {@link CreateTlsKey}: removes the key, only when that step created it. */
@Message(name = "agent.RemoveTlsKey")
public record RemoveTlsKey(String dir, boolean created, String keyFile) implements AgentCommand {
    public String keyFileName() {
        return keyFile == null ? "key.pem" : keyFile;
    }
}
