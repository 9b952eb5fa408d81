package io.labforge.common.lab.gitlab;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;

/** Undoes {@link InstallGitlabHooks}: removes the hook, only when that step created it. */
@Message(name = "agent.RemoveGitlabHooks")
public record RemoveGitlabHooks(String hooksDir, boolean created) implements AgentCommand {
}
