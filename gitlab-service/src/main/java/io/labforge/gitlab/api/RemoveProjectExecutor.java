package io.labforge.gitlab.api;

import io.labforge.common.exec.Executor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.gitlab.GitlabCommand.RemoveProject;
import io.labforge.common.messaging.Json;
import org.gitlab4j.api.GitLabApiException;

/** {@link RemoveProject}: {@code DELETE /projects/:id} for a project the lab created; one it found is kept. */
public final class RemoveProjectExecutor implements Executor<RemoveProject> {
    @Override
    public Class<RemoveProject> commandType() {
        return RemoveProject.class;
    }

    @Override
    public Outcome check(RemoveProject c, StepContext ctx) {
        return run(c, false);
    }

    @Override
    public Outcome apply(RemoveProject c, StepContext ctx) {
        return run(c, true);
    }

    private static Outcome run(RemoveProject c, boolean apply) {
        if (!Boolean.TRUE.equals(c.created()) || c.projectId() == null) {
            return Outcome.unchanged("project " + c.projectId() + " was there before the lab: kept");
        }
        try (GitlabAccess gitlab = GitlabAccess.open(c.url(), c.caPem(), c.token())) {
            boolean exists = GitlabAccess.optional(() -> gitlab.api().getProjectApi().getProject(c.projectId())).isPresent();
            if (!exists) {
                return Outcome.unchanged("project " + c.projectId() + " is already gone");
            }
            if (apply) {
                gitlab.api().getProjectApi().deleteProject(c.projectId());
            }
            return Outcome.of(true, (apply ? "deleted" : "would delete") + " project " + c.projectId(), Json.object());
        } catch (GitLabApiException e) {
            throw GitlabAccess.failure("GitLab at " + c.url() + " did not delete project " + c.projectId(), e);
        }
    }
}
