package io.labforge.common.lab.gitlab;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;
import java.util.List;

/**
 * An API token for Labforge, made on the GitLab host the documented programmatic way
 * ({@code gitlab-rails runner}: a personal access token of {@code root} with {@code scopes}, set to
 * a value the agent draws). Kept in /var/lib/labforge/gitlab/&lt;name&gt;.token (mode 600) and reused
 * while GitLab says it is active. Secret output {@code token}.
 */
@Message(name = "agent.CreateGitlabToken")
public record CreateGitlabToken(String method, String name, List<String> scopes, Integer expiresInDays) implements AgentCommand {
    public static final Output<CreateGitlabToken, String> TOKEN = Output.secret("token");
}
