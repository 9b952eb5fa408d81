package io.labforge.gitlab.api;

import io.labforge.common.exec.Executor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.gitlab.DeleteRunner;

/** {@link DeleteRunner}: {@code DELETE /runners/:id} for a runner the lab created (after its host unregistered it). */
public final class DeleteRunnerExecutor implements Executor<DeleteRunner> {
    @Override
    public Class<DeleteRunner> commandType() {
        return DeleteRunner.class;
    }

    @Override
    public Outcome check(DeleteRunner c, StepContext ctx) {
        return run(c, false);
    }

    @Override
    public Outcome apply(DeleteRunner c, StepContext ctx) {
        return run(c, true);
    }

    private static Outcome run(DeleteRunner c, boolean apply) {
        return GitlabAccess.deleteIfCreated("runner", c.runnerId(), c.created(), c.url(), c.caPem(), c.token(), apply,
                api -> () -> api.getRunnersApi().getRunnerDetail(c.runnerId()), api -> api.getRunnersApi().removeRunner(c.runnerId()));
    }
}
