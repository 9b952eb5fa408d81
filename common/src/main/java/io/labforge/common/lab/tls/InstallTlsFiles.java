package io.labforge.common.lab.tls;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;
import java.util.Map;

/**
 * Public TLS files in {@code dir} ({@code ca.pem}, {@code cert.pem}); an empty content removes
 * the file. Outputs: {@code previous}, the same map with what was there (its own undo).
 */
@Message(name = "agent.InstallTlsFiles")
public record InstallTlsFiles(String dir, Map<String, String> files) implements AgentCommand {
    /** What each file held ("" when none): the same command with it is the undo. */
    public static final Output<InstallTlsFiles, Map<String, String>> PREVIOUS = Output.map("previous");
}
