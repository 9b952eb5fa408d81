package io.labforge.common.lab.gitlab;

import io.labforge.common.command.GitlabCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;
import java.util.List;

/**
 * R9: an instance runner created through the API ({@code POST /user/runners}) with its tags and
 * whether it runs untagged jobs. Outputs {@code runnerId}, {@code created} and, when created now,
 * the secret {@code runnerToken} ({@code glrt-…}; GitLab shows it only at creation).
 */
@Message(name = "gitlab.CreateRunner")
public record CreateRunner(String lab, String url, String caPem, String token, String name, List<String> tags, Boolean runUntagged)
        implements GitlabCommand {
    public static final Output<CreateRunner, Long> RUNNER_ID = Output.number("runnerId");
    public static final Output<CreateRunner, Boolean> CREATED = Output.flag("created");
    /** GitLab shows it only at creation: "" for a runner that existed. */
    public static final Output<CreateRunner, String> RUNNER_TOKEN = Output.secret("runnerToken");
}
