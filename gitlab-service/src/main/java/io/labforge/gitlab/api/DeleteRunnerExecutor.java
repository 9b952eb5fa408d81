package io.labforge.gitlab.api;

import io.labforge.common.exec.Executor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.gitlab.GitlabCommand.DeleteRunner;
import io.labforge.common.messaging.Json;
import org.gitlab4j.api.GitLabApiException;

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
        if (!Boolean.TRUE.equals(c.created()) || c.runnerId() == null) {
            return Outcome.unchanged("runner " + c.runnerId() + " was there before the lab: kept");
        }
        try (GitlabAccess gitlab = GitlabAccess.open(c.url(), c.caPem(), c.token())) {
            if (GitlabAccess.optional(() -> gitlab.api().getRunnersApi().getRunnerDetail(c.runnerId())).isEmpty()) {
                return Outcome.unchanged("runner " + c.runnerId() + " is already gone");
            }
            if (apply) {
                gitlab.api().getRunnersApi().removeRunner(c.runnerId());
            }
            return Outcome.of(true, (apply ? "deleted" : "would delete") + " runner " + c.runnerId(), Json.object());
        } catch (GitLabApiException e) {
            throw GitlabAccess.failure("GitLab at " + c.url() + " did not delete runner " + c.runnerId(), e);
        }
    }
}
