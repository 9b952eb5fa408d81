package io.labforge.common.lab.gitlab;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * R8: Labforge's pre-receive hook ({@code labforge-lint}: refuses a push whose Dockerfiles or
 * compose files do not parse) installed as a GitLab server hook, {@code <hooksDir>/pre-receive.d/};
 * its interpreter (python3, PyYAML) installed when missing. Outputs {@code created}.
 */
@Message(name = "agent.InstallGitlabHooks")
public record InstallGitlabHooks(String hooksDir) implements AgentCommand {
    public static final Output<InstallGitlabHooks, Boolean> CREATED = Output.flag("created");
}
