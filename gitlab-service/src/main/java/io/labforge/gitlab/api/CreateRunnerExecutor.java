package io.labforge.gitlab.api;

import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.gitlab.CreateRunner;
import io.labforge.common.messaging.Json;
import java.util.List;
import java.util.Optional;
import org.gitlab4j.api.GitLabApiException;
import org.gitlab4j.api.models.Runner;

/**
 * {@link CreateRunner}: an instance runner named by its description. One that exists already (found in
 * {@code GET /runners/all?type=instance_type}, every page) is kept: its token was shown once, at its
 * creation, and the runner host that registered with it still holds it. A new one's token is a secret output.
 */
public final class CreateRunnerExecutor implements Executor<CreateRunner> {
    @Override
    public Class<CreateRunner> commandType() {
        return CreateRunner.class;
    }

    @Override
    public Outcome check(CreateRunner c, StepContext ctx) {
        validate(c);
        if (GitlabAccess.planned(c.token()) || GitlabAccess.planned(c.caPem())) {
            return Outcome.of(true, "runner " + c.name() + " tags " + tags(c) + ": checked against GitLab at apply (its token or CA is made then)",
                    Json.object().put("created", false));
        }
        try (GitlabAccess gitlab = GitlabAccess.open(c.url(), c.caPem(), c.token())) {
            Optional<Runner> r = find(gitlab, c.name());
            return r.map(x -> Outcome.of(false, "runner " + c.name() + " exists (id " + x.getId() + ")",
                    Json.object().put("runnerId", x.getId()).put("created", false).put("runnerToken", "")))
                    .orElseGet(() -> Outcome.of(true, "would create runner " + c.name() + " tags " + tags(c),
                            Json.object().put("created", true)));
        } catch (GitLabApiException e) {
            throw GitlabAccess.failure("GitLab at " + c.url() + " did not list its runners", e);
        }
    }

    @Override
    public Outcome apply(CreateRunner c, StepContext ctx) {
        validate(c);
        try (GitlabAccess gitlab = GitlabAccess.open(c.url(), c.caPem(), c.token())) {
            Optional<Runner> existing = find(gitlab, c.name());
            if (existing.isPresent()) {
                // token "": the runner host keeps the token it registered with (see RegisterRunner)
                return new Outcome(false, "runner " + c.name() + " exists (id " + existing.get().getId() + ")",
                        Json.object().put("runnerId", existing.get().getId()).put("created", false).put("runnerToken", ""),
                        List.of("runnerToken"));
            }
            GitlabAccess.CreatedRunner made = gitlab.createInstanceRunner(c.name(), tags(c), !Boolean.FALSE.equals(c.runUntagged()));
            if (!made.token().startsWith("glrt-")) {
                ctx.progress().accept("note: GitLab gave runner " + c.name() + " a token without the glrt- prefix (GitLab before 16.0?)");
            }
            return new Outcome(true, "created runner " + c.name() + " (id " + made.id() + ") tags " + tags(c),
                    Json.object().put("runnerId", made.id()).put("created", true).put("runnerToken", made.token()),
                    List.of("runnerToken"));
        } catch (GitLabApiException e) {
            throw GitlabAccess.failure("GitLab at " + c.url() + " did not create runner " + c.name(), e);
        }
    }

    private static void validate(CreateRunner c) {
        if (c.name() == null || c.name().isBlank()) {
            throw ExecutorException.refused("a runner needs a name (its description in GitLab)");
        }
        if (c.token() == null || c.token().isBlank()) {
            throw ExecutorException.refused("no GitLab token came with the command");
        }
    }

    private static List<String> tags(CreateRunner c) {
        return c.tags() == null ? List.of() : c.tags();
    }

    static Optional<Runner> find(GitlabAccess gitlab, String name) throws GitLabApiException {
        // GitLab's largest page (100); the pager follows X-Next-Page through every page
        return gitlab.api().getRunnersApi().getAllRunners(Runner.RunnerType.INSTANCE_TYPE, null, 100).stream()
                .filter(r -> name.equals(r.getDescription())).findFirst();
    }
}
