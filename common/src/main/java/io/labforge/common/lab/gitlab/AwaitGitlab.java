package io.labforge.common.lab.gitlab;

import io.labforge.common.command.GitlabCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * Waits until the lab's GitLab answers its readiness probe ({@code GET /-/readiness}: HTTP 200,
 * {@code "status":"ok"}), with progress; {@code caPem} is the lab's CA (GitLab's certificate is
 * checked against it alone). Fails (retryable) after {@code timeoutSeconds} (default 900).
 */
@Message(name = "gitlab.AwaitGitlab")
public record AwaitGitlab(String lab, String url, String caPem, Integer timeoutSeconds) implements GitlabCommand {
    public static final Output<AwaitGitlab, Boolean> READY = Output.flag("ready");
    public static final Output<AwaitGitlab, Long> WAITED_SECONDS = Output.number("waitedSeconds");
}
