package io.labforge.common.lab.gitlab;

import io.labforge.common.command.GitlabCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * A project of the lab under the token's user, created when missing (private unless said), and
 * seeded with Labforge's template of that name (pushed with JGit) when its repository is empty.
 * {@code token}: an API token with the {@code api} scope (a secret). Outputs {@code projectId},
 * {@code path}, {@code created}, {@code seeded}, {@code httpUrl}.
 */
@Message(name = "gitlab.EnsureProject")
public record EnsureProject(String lab, String url, String caPem, String token, String name, String template, String visibility)
        implements GitlabCommand {
    public static final Output<EnsureProject, Long> PROJECT_ID = Output.number("projectId");
    /** {@code <namespace>/<project>}. */
    public static final Output<EnsureProject, String> PATH = Output.text("path");
    public static final Output<EnsureProject, Boolean> CREATED = Output.flag("created");
    public static final Output<EnsureProject, Boolean> SEEDED = Output.flag("seeded");
    public static final Output<EnsureProject, String> HTTP_URL = Output.text("httpUrl");
}
