package io.labforge.common.lab.gitlab;

import io.labforge.common.command.GitlabCommand;
import io.labforge.common.messaging.Message;

/** Undo of {@link EnsureProject}: deletes the project when that step created it ({@code created}). */
@Message(name = "gitlab.RemoveProject")
public record RemoveProject(String url, String caPem, String token, Long projectId, Boolean created) implements GitlabCommand {
}
