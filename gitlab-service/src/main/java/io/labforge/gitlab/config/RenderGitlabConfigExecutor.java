package io.labforge.gitlab.config;

import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.gitlab.RenderGitlabConfig;
import io.labforge.common.messaging.Json;

/** {@link RenderGitlabConfig}: the rendering changes nothing, so check and apply answer the same. */
public final class RenderGitlabConfigExecutor implements Executor<RenderGitlabConfig> {
    @Override
    public Class<RenderGitlabConfig> commandType() {
        return RenderGitlabConfig.class;
    }

    @Override
    public Outcome check(RenderGitlabConfig c, StepContext ctx) {
        return apply(c, ctx);
    }

    @Override
    public Outcome apply(RenderGitlabConfig c, StepContext ctx) {
        try {
            String rb = GitlabRb.render(c);
            return Outcome.of(false, "gitlab.rb rendered (" + rb.lines().count() + " lines)", Json.object().put("gitlabRb", rb));
        } catch (IllegalArgumentException e) {
            throw ExecutorException.refused(e.getMessage());
        }
    }
}
