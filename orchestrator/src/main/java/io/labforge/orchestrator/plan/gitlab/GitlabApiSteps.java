package io.labforge.orchestrator.plan.gitlab;

import io.labforge.common.command.GitlabCommand;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.gitlab.AwaitGitlab;
import io.labforge.common.lab.gitlab.CreateGitlabToken;
import io.labforge.common.lab.gitlab.CreateRunner;
import io.labforge.common.lab.gitlab.DeleteRunner;
import io.labforge.common.lab.gitlab.EnsureProject;
import io.labforge.common.lab.gitlab.GitlabSpec;
import io.labforge.common.lab.gitlab.PushImage;
import io.labforge.common.lab.gitlab.RegisterRunner;
import io.labforge.common.lab.gitlab.RemoveProject;
import io.labforge.common.lab.gitlab.RevokeGitlabToken;
import io.labforge.common.lab.gitlab.UnregisterRunner;
import io.labforge.common.lab.secret.ReadSecret;
import io.labforge.orchestrator.plan.secret.SecretSteps;
import io.labforge.orchestrator.planner.PlanBuilder;
import io.labforge.orchestrator.planner.StepRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Through gitlab-service once GitLab answers (R9–R12, R7): an API token (made on the GitLab host, or a
 * lab secret), the projects seeded, images pushed to their registry, and each runner created through the
 * API then registered on its host with the token GitLab gave it.
 */
final class GitlabApiSteps {
    private final PlanBuilder plan;
    private final GitlabSpec g;
    private final Lab.Host h;
    private final String caPem;
    private final String lab;

    GitlabApiSteps(PlanBuilder plan, GitlabSpec g, Lab.Host gitlabHost, String caPem) {
        this.plan = plan;
        this.g = g;
        this.h = gitlabHost;
        this.caPem = caPem;
        this.lab = plan.lab().name();
    }

    /** GitLab answering (an installation is done only then, after {@code installed}), then what the lab asks through its API. */
    void plan(StepId installed) {
        String service = GitlabCommand.TARGET;
        StepRef<AwaitGitlab> ready = plan.step(PlanBuilder.id("gitlab-ready", service), service, new AwaitGitlab(lab, g.externalUrl(), caPem, null))
                .after(installed == null ? List.of() : List.of(installed))
                .timeout(Duration.ofMinutes(20))
                .add();
        if (g.projects().isEmpty() && g.runners().isEmpty()) {
            return;
        }
        Token token = token(ready);
        List<Runnable> pushes = new ArrayList<>();
        for (String p : g.projects()) {
            StepRef<EnsureProject> project = plan.step(PlanBuilder.id("gitlab-project", p, service), service,
                            new EnsureProject(lab, g.externalUrl(), caPem, token.value(), p, p, null))
                    .after(ready.id(), token.step())
                    .timeout(Duration.ofMinutes(10))
                    .undo(self -> new RemoveProject(g.externalUrl(), caPem, token.value(), null, null))
                    .undoFrom("projectId", EnsureProject.PROJECT_ID)
                    .undoFrom("created", EnsureProject.CREATED)
                    .add();
            g.images().stream().filter(img -> img.project().equals(p)).forEach(img -> pushes.add(() -> push(project, img, token)));
        }
        pushes.forEach(Runnable::run);
        for (GitlabSpec.Runner r : g.runners()) {
            runner(r, ready, token);
        }
    }

    /** The API token and the step that gives it. */
    private record Token(String value, StepId step) {
    }

    private Token token(StepRef<AwaitGitlab> ready) {
        if (g.tokenSecret() != null) {
            StepRef<ReadSecret> secret = SecretSteps.read(plan, g.tokenSecret());
            return new Token(secret.text(ReadSecret.VALUE), secret.id());
        }
        String name = "labforge-" + lab;
        StepRef<CreateGitlabToken> made = plan.step(PlanBuilder.id("gitlab-token", h.name()), h.name(),
                        new CreateGitlabToken(g.install(), name, null, null))
                .after(ready)
                .timeout(Duration.ofMinutes(15))
                .undo(self -> new RevokeGitlabToken(g.install(), name))
                .add();
        return new Token(made.text(CreateGitlabToken.TOKEN), made.id());
    }

    /** R7: pushed from the GitLab host's Docker, which trusts the lab's CA for the registry. */
    private void push(StepRef<EnsureProject> project, GitlabSpec.Image img, Token token) {
        plan.step(PlanBuilder.id("gitlab-image", img.project() + "-" + img.name(), h.name()), h.name(),
                        new PushImage(g.urlHost() + ":" + g.registryPort(), project.text(EnsureProject.PATH), img.name(), img.tag(), img.from(),
                                token.value()))
                .after(project.id(), plan.last(h.name()))
                .timeout(Duration.ofMinutes(20))
                .add();
    }

    /** R9: created through the API, then registered on its host with the token GitLab gave it. */
    private void runner(GitlabSpec.Runner r, StepRef<AwaitGitlab> ready, Token token) {
        String service = GitlabCommand.TARGET;
        StepRef<CreateRunner> created = plan.step(PlanBuilder.id("gitlab-runner", r.name(), service), service,
                        new CreateRunner(lab, g.externalUrl(), caPem, token.value(), r.name(), r.tags(), r.runUntagged()))
                .after(ready.id(), token.step())
                .undo(self -> new DeleteRunner(g.externalUrl(), caPem, token.value(), null, null))
                .undoFrom("runnerId", CreateRunner.RUNNER_ID)
                .undoFrom("created", CreateRunner.CREATED)
                .add();
        // the docker executor's job containers reach GitLab (and its registry) by its URL's name
        List<String> extraHosts = List.of(g.urlHost() + ":" + h.address());
        plan.step(PlanBuilder.id("runner", r.name(), r.host()), r.host(),
                        new RegisterRunner(r.name(), g.externalUrl(), created.text(CreateRunner.RUNNER_TOKEN), r.executor(), r.image(), caPem,
                                extraHosts, g.packageRepository()))
                .after(created)
                .inChainOf(r.host())
                .timeout(Duration.ofMinutes(20))
                .undo(self -> new UnregisterRunner(r.name(), false))
                .undoFrom("registered", RegisterRunner.REGISTERED)
                .add();
    }
}
