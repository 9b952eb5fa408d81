package io.labforge.common.lab.swarm;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;
import java.util.Map;

/**
 * R20: the images of a compose file built on this host and pushed ({@code docker-compose build},
 * {@code push}, for the services with a {@code build:} section). {@code files} (path in the stack's
 * directory → content) are written under {@code /var/lib/labforge/stacks/<stack>/build}; {@code env} are
 * the compose file's variables. Outputs {@code images} (service → image reference).
 */
@Message(name = "agent.BuildStack")
public record BuildStack(String stack, String compose, Map<String, String> files, Map<String, String> env) implements AgentCommand {
    /** Service → the image reference built and pushed. */
    public static final Output<BuildStack, Map<String, String>> IMAGES = Output.map("images");
    /** The hash of what the build read (files, variables). */
    public static final Output<BuildStack, String> INPUTS = Output.text("inputs");
}
