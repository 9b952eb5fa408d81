package io.labforge.gitlab.api;

import io.labforge.common.exec.Executor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.gitlab.RemoveProject;

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
        return GitlabAccess.deleteIfCreated("project", c.projectId(), c.created(), c.url(), c.caPem(), c.token(), apply,
                api -> () -> api.getProjectApi().getProject(c.projectId()), api -> api.getProjectApi().deleteProject(c.projectId()));
    }
}
