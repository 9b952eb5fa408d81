package io.labforge.common.lab.gitlab;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;

/** Undoes {@link InstallGitlab}: GitLab stopped ({@code gitlab-ctl stop}, or its container stopped and, if the step made it, removed); data kept. */
@Message(name = "agent.StopGitlab")
public record StopGitlab(String method, boolean installed) implements AgentCommand {
}
