package io.labforge.agent.executor.gitlab;

import io.labforge.agent.exec.Apt;
import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.gitlab.InstallGitlabHooks;
import io.labforge.common.lab.gitlab.RemoveGitlabHooks;
import io.labforge.common.messaging.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * R8: installs Labforge's pre-receive hook (shipped in the agent, {@code labforge-lint}) as a GitLab
 * server hook: every push to every project of the instance goes through it. GitLab runs the files
 * of {@code <custom_hooks_dir>/pre-receive.d/} in order; a non-zero exit refuses the push and the
 * {@code GL-HOOK-ERR:} lines are shown to the pusher.
 */
public final class GitlabHooksExecutor implements Executor<InstallGitlabHooks> {
    static final String RESOURCE = "/io/labforge/agent/gitlab/labforge-lint";
    static final String NAME = "labforge-lint";

    @Override
    public Class<InstallGitlabHooks> commandType() {
        return InstallGitlabHooks.class;
    }

    static String script() {
        try (InputStream in = GitlabHooksExecutor.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the agent jar holds no " + RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
    }

    static Path hook(StepContext ctx, String hooksDir) {
        if (hooksDir == null || !hooksDir.startsWith("/") || hooksDir.contains("..")) {
            throw ExecutorException.refused("'" + hooksDir + "' is not an absolute directory for GitLab's server hooks");
        }
        return ctx.root().path(hooksDir + "/pre-receive.d/" + NAME);
    }

    private static String where(String hooksDir) {
        return hooksDir + "/pre-receive.d/" + NAME;
    }

    @Override
    public Outcome check(InstallGitlabHooks c, StepContext ctx) {
        Optional<String> have = Files2.read(hook(ctx, c.hooksDir()));
        if (have.isPresent() && have.get().equals(script())) {
            return Outcome.of(false, "pre-receive hook " + NAME + " in place", Json.object().put("created", false));
        }
        return Outcome.of(true, (have.isPresent() ? "~ " : "+ ") + where(c.hooksDir()), Json.object().put("created", false));
    }

    @Override
    public Outcome apply(InstallGitlabHooks c, StepContext ctx) {
        Path hook = hook(ctx, c.hooksDir());
        Optional<String> have = Files2.read(hook);
        if (have.isPresent() && have.get().equals(script())) {
            return Outcome.of(false, "pre-receive hook " + NAME + " in place", Json.object().put("created", false));
        }
        if (ctx.root().isReal()) {
            // the hook's interpreter, and PyYAML for compose files (without it they would go unchecked)
            if (!ProcessRunner.onPath("python3")) {
                Apt.install("python3", "python3 (which runs the pre-receive hook)", ctx);
            }
            if (ctx.processes().run(List.of("python3", "-c", "import yaml"), Duration.ofSeconds(30), null).exitCode() != 0) {
                Apt.install("python3-yaml", "PyYAML (the hook parses compose files with it)", ctx);
            }
        }
        Files2.write(hook, script(), "rwxr-xr-x");
        return Outcome.of(true, (have.isPresent() ? "~ " : "+ ") + where(c.hooksDir())
                + " (refuses pushes whose Dockerfiles or compose files do not parse)", Json.object().put("created", have.isEmpty()));
    }

    /** {@link RemoveGitlabHooks}: only a hook the install step created. */
    public static final class Remove implements Executor<RemoveGitlabHooks> {
        @Override
        public Class<RemoveGitlabHooks> commandType() {
            return RemoveGitlabHooks.class;
        }

        @Override
        public Outcome check(RemoveGitlabHooks c, StepContext ctx) {
            Path hook = hook(ctx, c.hooksDir());
            if (!c.created() || !Files.exists(hook)) {
                return Outcome.unchanged(Files.exists(hook) ? "hook " + NAME + " kept: the step found one" : "no hook " + NAME);
            }
            return Outcome.of(true, "- " + where(c.hooksDir()), Json.object());
        }

        @Override
        public Outcome apply(RemoveGitlabHooks c, StepContext ctx) {
            Outcome o = check(c, ctx);
            if (o.changed()) {
                Files2.delete(hook(ctx, c.hooksDir()));
            }
            return o;
        }
    }
}
