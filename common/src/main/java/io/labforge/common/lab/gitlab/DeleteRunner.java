package io.labforge.common.lab.gitlab;

import io.labforge.common.command.GitlabCommand;
import io.labforge.common.messaging.Message;

/** Undo of {@link CreateRunner}: deletes the runner from GitLab when that step created it. */
@Message(name = "gitlab.DeleteRunner")
public record DeleteRunner(String url, String caPem, String token, Long runnerId, Boolean created) implements GitlabCommand {
}
