package io.labforge.common.gitlab;

import io.labforge.common.messaging.Message;
import java.util.List;

/** Commands of {@code gitlab-service} (target {@link #TARGET}): GitLab's configuration and its API. */
public sealed interface GitlabCommand {
    String TARGET = "gitlab-service";

    /**
     * R5: {@code gitlab.rb} for the lab's GitLab, rendered (changes nothing anywhere): external URL,
     * registry URL, nginx's and the registry's TLS files, the server hooks directory, who may read the
     * health endpoints (localhost and {@code monitoringAllow}). Output {@code gitlabRb};
     * the agent of the GitLab host writes it.
     */
    @Message(name = "gitlab.RenderGitlabConfig")
    record RenderGitlabConfig(String lab, String externalUrl, Integer registryPort, String sslDir, String hooksDir, List<String> monitoringAllow)
            implements GitlabCommand {
    }

    /**
     * Waits until the lab's GitLab answers its readiness probe ({@code GET /-/readiness}: HTTP 200,
     * {@code "status":"ok"}), with progress; {@code caPem} is the lab's CA (GitLab's certificate is
     * checked against it alone). Fails (retryable) after {@code timeoutSeconds} (default 900).
     */
    @Message(name = "gitlab.AwaitGitlab")
    record AwaitGitlab(String lab, String url, String caPem, Integer timeoutSeconds) implements GitlabCommand {
    }

    /**
     * A project of the lab under the token's user, created when missing (private unless said), and
     * seeded with Labforge's template of that name (pushed with JGit) when its repository is empty.
     * {@code token}: an API token with the {@code api} scope (a secret). Outputs {@code projectId},
     * {@code path}, {@code created}, {@code seeded}, {@code httpUrl}.
     */
    @Message(name = "gitlab.EnsureProject")
    record EnsureProject(String lab, String url, String caPem, String token, String name, String template, String visibility)
            implements GitlabCommand {
    }

    /** Undo of {@link EnsureProject}: deletes the project when that step created it ({@code created}). */
    @Message(name = "gitlab.RemoveProject")
    record RemoveProject(String url, String caPem, String token, Long projectId, Boolean created) implements GitlabCommand {
    }

    /**
     * R9: an instance runner created through the API ({@code POST /user/runners}) with its tags and
     * whether it runs untagged jobs. Outputs {@code runnerId}, {@code created} and, when created now,
     * the secret {@code runnerToken} ({@code glrt-…}; GitLab shows it only at creation).
     */
    @Message(name = "gitlab.CreateRunner")
    record CreateRunner(String lab, String url, String caPem, String token, String name, List<String> tags, Boolean runUntagged)
            implements GitlabCommand {
    }

    /** Undo of {@link CreateRunner}: deletes the runner from GitLab when that step created it. */
    @Message(name = "gitlab.DeleteRunner")
    record DeleteRunner(String url, String caPem, String token, Long runnerId, Boolean created) implements GitlabCommand {
    }
}
