package io.labforge.common.lab.gitlab;

import io.labforge.common.lab.Feature;
import java.util.List;

/**
 * GitLab (Part 1, R5–R13): installed and configured on its host by the agent, driven through its API by
 * gitlab-service (projects, runners), runners registered on their hosts, images pushed to its registry.
 */
public final class GitlabFeature {
    public static final Feature FEATURE = new Feature("gitlab", List.of(GitlabReader.SECTION), List.of(),
            List.of(InstallGitlabHooks.class, RemoveGitlabHooks.class, InstallGitlab.class, StopGitlab.class, CreateGitlabToken.class,
                    RevokeGitlabToken.class, RegisterRunner.class, UnregisterRunner.class, PushImage.class,
                    RenderGitlabConfig.class, AwaitGitlab.class, EnsureProject.class, RemoveProject.class, CreateRunner.class,
                    DeleteRunner.class));

    private GitlabFeature() {
    }
}
