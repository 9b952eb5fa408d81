package io.labforge.common.lab.gitlab;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * R5: GitLab on this host. {@code method}: {@code omnibus} (the {@code gitlab-ce} package from
 * GitLab's apt repository, set up as GitLab documents it: keyring + {@code sources.list.d} entry,
 * {@code packageRepository} defaulting to https://packages.gitlab.com) or {@code container}
 * ({@code image}, default {@code gitlab/gitlab-ce:latest}, with /etc/gitlab, /var/log/gitlab and
 * /var/opt/gitlab from the host). {@code gitlabRb} is written to /etc/gitlab/gitlab.rb (mode 600);
 * {@code gitlab-ctl reconfigure} runs only when it changed. {@code rootPassword} (a secret) is
 * GitLab's initial root password, given as {@code GITLAB_ROOT_PASSWORD} to the first installation
 * only. Outputs {@code installed} (by this step), {@code configChanged}.
 */
@Message(name = "agent.InstallGitlab")
public record InstallGitlab(String method, String externalUrl, String gitlabRb, String rootPassword, String image, Integer registryPort,
        String packageRepository) implements AgentCommand {
    public static final Output<InstallGitlab, Boolean> INSTALLED = Output.flag("installed");
    public static final Output<InstallGitlab, Boolean> CONFIG_CHANGED = Output.flag("configChanged");
}
