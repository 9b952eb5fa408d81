package io.labforge.common.lab.gitlab;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;

/** Undoes {@link CreateGitlabToken}: the token revoked in GitLab and its file removed. */
@Message(name = "agent.RevokeGitlabToken")
public record RevokeGitlabToken(String method, String name) implements AgentCommand {
}
