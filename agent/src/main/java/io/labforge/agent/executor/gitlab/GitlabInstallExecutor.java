package io.labforge.agent.executor.gitlab;

import io.labforge.agent.exec.Files2;
import io.labforge.agent.executor.gitlab.HostActions.Action;
import io.labforge.agent.executor.gitlab.HostActions.Os;
import io.labforge.agent.executor.gitlab.HostActions.Run;
import io.labforge.agent.executor.gitlab.HostActions.Write;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.gitlab.InstallGitlab;
import io.labforge.common.lab.gitlab.StopGitlab;
import io.labforge.common.messaging.Json;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link InstallGitlab}: gitlab.rb first (so the first reconfigure already uses the lab's URL and TLS
 * files), then GitLab itself when it is not there, else {@code gitlab-ctl reconfigure} when gitlab.rb
 * changed. Nothing GitLab-specific is guessed: the package's postinst runs the first reconfigure
 * (with {@code EXTERNAL_URL}), the container's entrypoint does the same.
 */
public final class GitlabInstallExecutor implements Executor<InstallGitlab> {
    static final String RB = "/etc/gitlab/gitlab.rb";
    static final String CONTAINER = "gitlab";
    static final String DEFAULT_IMAGE = "gitlab/gitlab-ce:latest";

    @Override
    public Class<InstallGitlab> commandType() {
        return InstallGitlab.class;
    }

    @Override
    public Outcome check(InstallGitlab c, StepContext ctx) {
        return run(c, ctx, false);
    }

    @Override
    public Outcome apply(InstallGitlab c, StepContext ctx) {
        return run(c, ctx, true);
    }

    /** What differs from the lab (gitlab.rb, GitLab itself), as actions; run only when {@code apply}. */
    private Outcome run(InstallGitlab c, StepContext ctx, boolean apply) {
        validate(c);
        boolean installed = installed(c, ctx);
        boolean rbChanged = !Files2.read(ctx.root().path(RB)).map(c.gitlabRb()::equals).orElse(false);
        List<Action> actions = new ArrayList<>();
        if (rbChanged) {
            actions.add(new Write(RB, c.gitlabRb(), "rw-------"));
        }
        if (!installed) {
            actions.addAll(c.method().equals("omnibus") ? omnibus(c, Os.of(ctx)) : container(c));
        } else if (rbChanged) {
            actions.add(reconfigure(c.method()));
        }
        if (actions.isEmpty()) {
            return Outcome.of(false, "GitLab installed, gitlab.rb as the lab says", Json.object().put("installed", false).put("configChanged", false));
        }
        if (apply) {
            HostActions.run(actions, ctx);
        }
        return Outcome.of(true, (apply ? "" : "would: ") + String.join("\n", actions.stream().map(Object::toString).toList()),
                Json.object().put("installed", apply && !installed).put("configChanged", rbChanged));
    }

    private static void validate(InstallGitlab c) {
        if (!"omnibus".equals(c.method()) && !"container".equals(c.method())) {
            throw ExecutorException.refused("gitlab.install is omnibus or container, not " + c.method());
        }
        if (c.gitlabRb() == null || c.gitlabRb().isBlank()) {
            throw ExecutorException.refused("no gitlab.rb came with the command");
        }
        if (c.externalUrl() == null || !c.externalUrl().matches("https?://[A-Za-z0-9.-]+(:\\d+)?/?")) {
            throw ExecutorException.refused("GitLab's external URL must be http(s)://name[:port], not " + c.externalUrl());
        }
    }

    private static boolean installed(InstallGitlab c, StepContext ctx) {
        if (!ctx.root().isReal()) {
            // a test root: what the package or the container would leave there
            return Files.exists(ctx.root().path(c.method().equals("omnibus") ? "/opt/gitlab/bin/gitlab-ctl" : "/var/opt/gitlab/.container"));
        }
        if (c.method().equals("omnibus")) {
            var r = ctx.processes().run(List.of("dpkg-query", "-W", "-f=${Status}", "gitlab-ce"), Duration.ofSeconds(20), null);
            return r.ok() && r.output().contains("install ok installed");
        }
        return ctx.processes().run(List.of("docker", "container", "inspect", CONTAINER), Duration.ofSeconds(20), null).ok();
    }

    static String repo(InstallGitlab c) {
        return c.packageRepository() == null || c.packageRepository().isBlank() ? HostActions.DEFAULT_PACKAGES : c.packageRepository();
    }

    static String image(InstallGitlab c) {
        return c.image() == null || c.image().isBlank() ? DEFAULT_IMAGE : c.image();
    }

    /**
     * GitLab's Linux package on Debian/Ubuntu: its repository, then {@code apt-get install gitlab-ce}
     * with {@code EXTERNAL_URL} and {@code GITLAB_ROOT_PASSWORD} (GitLab's installation page; the
     * postinst reconfigures with them).
     */
    static List<Action> omnibus(InstallGitlab c, Os os) {
        List<Action> a = new ArrayList<>(HostActions.aptRepository(repo(c), "gitlab/gitlab-ce", os));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DEBIAN_FRONTEND", "noninteractive");
        env.put("EXTERNAL_URL", c.externalUrl());
        if (c.rootPassword() != null && !c.rootPassword().isEmpty()) {
            env.put("GITLAB_ROOT_PASSWORD", c.rootPassword());
        }
        a.add(new Run(List.of("apt-get", "install", "-y", "-q", "-o", "Dpkg::Options::=--force-confold", "gitlab-ce"), env, Duration.ofMinutes(45)));
        return a;
    }

    /**
     * GitLab's Docker image as GitLab's "Install GitLab in a Docker container" page runs it: its three
     * volumes from the host, the HTTPS (and registry) ports, a larger /dev/shm; the root password in
     * an env file of mode 600 that is removed once the container exists (Docker keeps it only in the
     * container's root-readable configuration).
     */
    static List<Action> container(InstallGitlab c) {
        String host = URI.create(c.externalUrl()).getHost();
        String envFile = "/etc/gitlab/.labforge-initial.env";
        List<Action> a = new ArrayList<>();
        a.add(new Run(List.of("mkdir", "-p", "/etc/gitlab", "/var/log/gitlab", "/var/opt/gitlab"), Duration.ofSeconds(10)));
        a.add(new Write(envFile, (c.rootPassword() == null ? "" : "GITLAB_ROOT_PASSWORD=" + c.rootPassword() + "\n"), "rw-------"));
        List<String> argv = new ArrayList<>(List.of("docker", "run", "--detach", "--name", CONTAINER, "--restart", "always",
                "--hostname", host, "--publish", "443:443", "--publish", "80:80"));
        if (c.registryPort() != null) {
            argv.addAll(List.of("--publish", c.registryPort() + ":" + c.registryPort()));
        }
        argv.addAll(List.of("--volume", "/etc/gitlab:/etc/gitlab", "--volume", "/var/log/gitlab:/var/log/gitlab",
                "--volume", "/var/opt/gitlab:/var/opt/gitlab", "--shm-size", "256m", "--env-file", envFile, image(c)));
        a.add(new Run(argv, Duration.ofMinutes(30)));
        a.add(new Run(List.of("rm", "-f", envFile), Duration.ofSeconds(10)));
        return a;
    }

    static Run reconfigure(String method) {
        return new Run(method.equals("omnibus") ? List.of("gitlab-ctl", "reconfigure")
                : List.of("docker", "exec", CONTAINER, "gitlab-ctl", "reconfigure"), Duration.ofMinutes(30));
    }

    /** {@link StopGitlab}. */
    public static final class Stop implements Executor<StopGitlab> {
        @Override
        public Class<StopGitlab> commandType() {
            return StopGitlab.class;
        }

        static List<Action> actions(StopGitlab c) {
            if ("omnibus".equals(c.method())) {
                return List.of(new Run(List.of("gitlab-ctl", "stop"), Duration.ofMinutes(5)));
            }
            List<Action> a = new ArrayList<>(List.of(new Run(List.of("docker", "stop", "--time", "60", CONTAINER), Duration.ofMinutes(3))));
            if (c.installed()) {
                a.add(new Run(List.of("docker", "rm", CONTAINER), Duration.ofMinutes(1)));
            }
            return a;
        }

        @Override
        public Outcome check(StopGitlab c, StepContext ctx) {
            return Outcome.of(true, "would: " + actions(c), Json.object());
        }

        @Override
        public Outcome apply(StopGitlab c, StepContext ctx) {
            List<Action> a = actions(c);
            HostActions.run(a, ctx);
            return Outcome.of(true, String.join("\n", a.stream().map(Object::toString).toList()) + " (GitLab's data kept under /var/opt/gitlab)",
                    Json.object());
        }
    }

}
