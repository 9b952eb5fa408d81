package io.labforge.agent.executor.gitlab;

import io.labforge.common.exec.Executor;
import java.util.List;

/** GitLab on its host and the runners' hosts (R5-R9): the agent's executors of this feature. */
public final class GitlabExecutors {
    private GitlabExecutors() {
    }

    public static List<Executor<?>> all() {
        return List.of(
                new GitlabHooksExecutor(),
                new GitlabHooksExecutor.Remove(),
                new GitlabInstallExecutor(),
                new GitlabInstallExecutor.Stop(),
                new GitlabTokenExecutor(),
                new GitlabTokenExecutor.Revoke(),
                new RunnerExecutor(),
                new RunnerExecutor.Unregister(),
                new PushImageExecutor());
    }
}
