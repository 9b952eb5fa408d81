package io.labforge.common.lab.gitlab;

import io.labforge.common.command.GitlabCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;
import java.util.List;

/**
 * R5: {@code gitlab.rb} for the lab's GitLab, rendered (changes nothing anywhere): external URL,
 * registry URL, nginx's and the registry's TLS files, the server hooks directory, who may read the
 * health endpoints (localhost and {@code monitoringAllow}). Output {@code gitlabRb};
 * the agent of the GitLab host writes it.
 */
@Message(name = "gitlab.RenderGitlabConfig")
public record RenderGitlabConfig(String lab, String externalUrl, Integer registryPort, String sslDir, String hooksDir, List<String> monitoringAllow)
        implements GitlabCommand {
    public static final Output<RenderGitlabConfig, String> GITLAB_RB = Output.text("gitlabRb");
}
