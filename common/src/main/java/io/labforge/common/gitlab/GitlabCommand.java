package io.labforge.common.gitlab;

import io.labforge.common.messaging.Message;

/** Commands of {@code gitlab-service} (target {@link #TARGET}): GitLab's configuration and its API. */
public sealed interface GitlabCommand {
    String TARGET = "gitlab-service";

    /**
     * R5: {@code gitlab.rb} for the lab's GitLab, rendered (changes nothing anywhere): external URL,
     * registry URL, nginx's and the registry's TLS files, the server hooks directory. Output {@code gitlabRb};
     * the agent of the GitLab host writes it.
     */
    @Message(name = "gitlab.RenderGitlabConfig")
    record RenderGitlabConfig(String lab, String externalUrl, Integer registryPort, String sslDir, String hooksDir)
            implements GitlabCommand {
    }
}
