package io.labforge.common.lab.gitlab;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * R7: an image of this host's Docker pushed to a GitLab project's registry under GitLab's naming
 * convention, {@code <registry>/<namespace>/<project>/<image>:<tag>} ({@code projectPath} is
 * {@code <namespace>/<project>}), logged in as the namespace's user with {@code token} (a secret,
 * written only into a temporary Docker configuration of mode 600). Outputs {@code image},
 * {@code digest}.
 */
@Message(name = "agent.PushImage")
public record PushImage(String registry, String projectPath, String image, String tag, String source, String token) implements AgentCommand {
    public static final Output<PushImage, String> IMAGE = Output.text("image");
    public static final Output<PushImage, String> DIGEST = Output.text("digest");
}
