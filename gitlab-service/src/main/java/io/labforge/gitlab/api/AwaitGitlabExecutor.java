package io.labforge.gitlab.api;

import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.gitlab.AwaitGitlab;
import io.labforge.common.messaging.Json;
import java.time.Duration;

/**
 * {@link AwaitGitlab}: an omnibus GitLab takes minutes after {@code gitlab-ctl reconfigure} (Puma,
 * Sidekiq, migrations) and answers 502 from its nginx meanwhile. This asks its readiness probe until
 * it says ok, and reports what GitLab answers as it goes.
 */
public final class AwaitGitlabExecutor implements Executor<AwaitGitlab> {
    static final int DEFAULT_TIMEOUT_SECONDS = 900;
    private final Duration every;

    public AwaitGitlabExecutor(Duration every) {
        this.every = every;
    }

    @Override
    public Class<AwaitGitlab> commandType() {
        return AwaitGitlab.class;
    }

    @Override
    public Outcome check(AwaitGitlab c, StepContext ctx) {
        if (GitlabAccess.planned(c.caPem())) {
            return Outcome.of(false, "GitLab at " + c.url() + ": waited for at apply (the lab's CA signs its certificate then)",
                    Json.object().put("ready", false));
        }
        GitlabAccess.Readiness r = GitlabAccess.anonymous(c.url(), c.caPem()).readiness(Duration.ofSeconds(10));
        return Outcome.of(false, r.ready() ? "GitLab at " + c.url() + " is ready" : "would wait for GitLab at " + c.url()
                + " (now: " + r.describe() + ")", Json.object().put("ready", r.ready()));
    }

    @Override
    public Outcome apply(AwaitGitlab c, StepContext ctx) {
        int timeout = c.timeoutSeconds() == null ? DEFAULT_TIMEOUT_SECONDS : c.timeoutSeconds();
        GitlabAccess gitlab = GitlabAccess.anonymous(c.url(), c.caPem());
        long start = System.nanoTime();
        String last = null;
        while (true) {
            GitlabAccess.Readiness r = gitlab.readiness(Duration.ofSeconds(10));
            long waited = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            if (r.ready()) {
                return Outcome.of(false, "GitLab at " + c.url() + " ready after " + waited + " s",
                        Json.object().put("ready", true).put("waitedSeconds", waited));
            }
            String now = r.describe();
            if (!now.equals(last)) {
                ctx.progress().accept("GitLab at " + c.url() + " not ready yet: " + now + " (" + waited + " s of " + timeout + " s)");
                last = now;
            }
            if (r.unresolved()) {
                throw ExecutorException.refused("GitLab at " + c.url() + ": " + r.error() + " on the machine running gitlab-service: "
                        + "give the URL's name an address there (DNS, or /etc/hosts with the GitLab host's address), then resume");
            }
            if (r.status() == 404) {
                throw ExecutorException.refused("GitLab at " + c.url() + " answers 404 on /-/readiness: gitlab-service's address is not in "
                        + "its monitoring allowlist; add it to gitlab.monitoringAllow in the lab and apply again");
            }
            if (r.error() != null && r.error().startsWith("TLS refused")) {
                throw ExecutorException.refused("GitLab at " + c.url() + ": " + r.error());
            }
            if (waited >= timeout) {
                throw new ExecutorException("GitLab at " + c.url() + " was not ready after " + timeout + " s; last answer: " + now
                        + " (on the GitLab host: gitlab-ctl status; gitlab-ctl tail)", true);
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ExecutorException("interrupted while waiting for GitLab", true);
            }
        }
    }
}
