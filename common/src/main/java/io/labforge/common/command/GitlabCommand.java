package io.labforge.common.command;

/** A command of {@code gitlab-service} (message type {@code gitlab.*}): GitLab's configuration and its API. */
public interface GitlabCommand {
    String TARGET = "gitlab-service";
}
