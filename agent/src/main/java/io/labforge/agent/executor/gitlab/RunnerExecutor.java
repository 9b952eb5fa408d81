package io.labforge.agent.executor.gitlab;

import io.labforge.agent.exec.Files2;
import io.labforge.agent.executor.gitlab.HostActions.Action;
import io.labforge.agent.executor.gitlab.HostActions.Os;
import io.labforge.agent.executor.gitlab.HostActions.Run;
import io.labforge.agent.executor.gitlab.HostActions.Write;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.gitlab.RegisterRunner;
import io.labforge.common.lab.gitlab.UnregisterRunner;
import io.labforge.common.messaging.Json;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * {@link RegisterRunner}: gitlab-runner installed from GitLab's repository when missing, the lab's CA
 * where gitlab-runner looks for it ({@code /etc/gitlab-runner/certs/<gitlab host>.crt}, also given as
 * {@code --tls-ca-file}), and one {@code gitlab-runner register --non-interactive} with the runner's
 * {@code glrt-} token in {@code CI_SERVER_TOKEN}. What the flags cannot say ({@code extra_hosts} of the
 * docker executor) goes in a configuration template ({@code --template-config}) that register merges
 * into config.toml. A runner already in config.toml (same name and URL) is left alone.
 */
public final class RunnerExecutor implements Executor<RegisterRunner> {
    static final String CONFIG = "/etc/gitlab-runner/config.toml";
    private static final TomlMapper TOML = new TomlMapper();

    @Override
    public Class<RegisterRunner> commandType() {
        return RegisterRunner.class;
    }

    static void validate(RegisterRunner c) {
        if (c.name() == null || !c.name().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            throw ExecutorException.refused("a runner name is letters, digits, '.', '_', '-', not " + c.name());
        }
        if (!"docker".equals(c.executor()) && !"shell".equals(c.executor())) {
            throw ExecutorException.refused("runner " + c.name() + ": executor is docker or shell, not " + c.executor());
        }
        if (c.url() == null || !c.url().matches("https?://[A-Za-z0-9.-]+(:\\d+)?/?")) {
            throw ExecutorException.refused("runner " + c.name() + ": GitLab's URL must be http(s)://name[:port], not " + c.url());
        }
        for (String h : hosts(c)) {
            if (!h.matches("[A-Za-z0-9.-]+:[0-9A-Fa-f.:]+")) {
                throw ExecutorException.refused("runner " + c.name() + ": extra host '" + h + "' is not name:address");
            }
        }
    }

    private static List<String> hosts(RegisterRunner c) {
        return c.extraHosts() == null ? List.of() : c.extraHosts();
    }

    static String caFile(RegisterRunner c) {
        return "/etc/gitlab-runner/certs/" + URI.create(c.url()).getHost() + ".crt";
    }

    static String templateFile(RegisterRunner c) {
        return "/etc/gitlab-runner/labforge-" + c.name() + ".template.toml";
    }

    /** The configuration template: the docker executor's extra_hosts (TOML basic strings, escaped). */
    static String template(RegisterRunner c) {
        StringBuilder b = new StringBuilder("# Labforge: merged into config.toml by gitlab-runner register --template-config\n[[runners]]\n");
        if (c.executor().equals("docker")) {
            b.append("  [runners.docker]\n    extra_hosts = [");
            List<String> hs = hosts(c);
            for (int i = 0; i < hs.size(); i++) {
                b.append(i == 0 ? "" : ", ").append('"').append(hs.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
            b.append("]\n");
        }
        return b.toString();
    }

    /** {@code gitlab-runner register} as GitLab's "Registering runners" page gives it for a runner authentication token. */
    static Run register(RegisterRunner c) {
        List<String> argv = new ArrayList<>(List.of("gitlab-runner", "register", "--non-interactive", "--url", c.url(), "--name", c.name(),
                "--executor", c.executor()));
        if (c.executor().equals("docker")) {
            argv.addAll(List.of("--docker-image", c.dockerImage() == null || c.dockerImage().isBlank() ? "alpine:3.20" : c.dockerImage()));
        }
        if (c.caPem() != null && !c.caPem().isBlank()) {
            argv.addAll(List.of("--tls-ca-file", caFile(c)));
        }
        argv.addAll(List.of("--template-config", templateFile(c)));
        return new Run(argv, Map.of("CI_SERVER_TOKEN", c.runnerToken() == null ? "" : c.runnerToken()), Duration.ofMinutes(2));
    }

    /** The runners config.toml holds, as {name, url} (an absent or empty file holds none). */
    static List<JsonNode> registered(String configToml) {
        if (configToml == null || configToml.isBlank()) {
            return List.of();
        }
        try {
            JsonNode runners = TOML.readTree(configToml).path("runners");
            List<JsonNode> out = new ArrayList<>();
            runners.forEach(out::add);
            return out;
        } catch (RuntimeException e) {
            throw ExecutorException.refused(CONFIG + " is not TOML gitlab-runner can read: " + e.getMessage() + "; mend it, then resume");
        }
    }

    static boolean holds(String configToml, RegisterRunner c) {
        String url = c.url().replaceAll("/+$", "");
        return registered(configToml).stream().anyMatch(r -> c.name().equals(r.path("name").asString())
                && url.equals(r.path("url").asString().replaceAll("/+$", "")));
    }

    private static boolean installed(StepContext ctx) {
        return ctx.root().isReal() ? ProcessRunner.onPath("gitlab-runner") : Files.exists(ctx.root().path("/usr/bin/gitlab-runner"));
    }

    List<Action> actions(RegisterRunner c, StepContext ctx) {
        List<Action> a = new ArrayList<>();
        if (!installed(ctx)) {
            a.addAll(HostActions.aptRepository(c.packageRepository(), "runner/gitlab-runner", Os.of(ctx)));
            a.add(new Run(List.of("apt-get", "install", "-y", "-q", "gitlab-runner"), Map.of("DEBIAN_FRONTEND", "noninteractive"),
                    Duration.ofMinutes(15)));
        }
        if (c.caPem() != null && !c.caPem().isBlank()) {
            a.add(new Write(caFile(c), c.caPem(), "rw-r--r--"));
        }
        a.add(new Write(templateFile(c), template(c), "rw-------"));
        a.add(register(c));
        return a;
    }

    @Override
    public Outcome check(RegisterRunner c, StepContext ctx) {
        return run(c, ctx, false);
    }

    @Override
    public Outcome apply(RegisterRunner c, StepContext ctx) {
        return run(c, ctx, true);
    }

    private Outcome run(RegisterRunner c, StepContext ctx, boolean apply) {
        validate(c);
        if (holds(Files2.read(ctx.root().path(CONFIG)).orElse(null), c)) {
            return Outcome.of(false, "runner " + c.name() + " registered here", Json.object().put("registered", false));
        }
        if (!apply) {
            return Outcome.of(true, "would register runner " + c.name() + " (" + c.executor() + ") with " + c.url(), Json.object().put("registered", false));
        }
        if (c.runnerToken() == null || c.runnerToken().isBlank()) {
            throw ExecutorException.refused("runner " + c.name() + " exists in GitLab but is not registered on this host, and GitLab shows a "
                    + "runner's token only when it is created: delete runner " + c.name() + " in GitLab (Admin > Runners), then apply again");
        }
        List<Action> a = actions(c, ctx);
        HostActions.run(a, ctx);
        if (ctx.root().isReal() && !holds(Files2.read(ctx.root().path(CONFIG)).orElse(null), c)) {
            throw new ExecutorException("gitlab-runner register ran but " + CONFIG + " holds no runner " + c.name(), true);
        }
        return Outcome.of(true, String.join("\n", a.stream().map(Object::toString).toList()), Json.object().put("registered", true));
    }

    /** {@link UnregisterRunner}. */
    public static final class Unregister implements Executor<UnregisterRunner> {
        @Override
        public Class<UnregisterRunner> commandType() {
            return UnregisterRunner.class;
        }

        @Override
        public Outcome check(UnregisterRunner c, StepContext ctx) {
            boolean here = registered(Files2.read(ctx.root().path(CONFIG)).orElse(null)).stream().anyMatch(r -> c.name().equals(r.path("name").asString()));
            if (!c.registered() || !here) {
                return Outcome.unchanged(here ? "runner " + c.name() + " kept: the lab found it registered" : "runner " + c.name() + " not registered here");
            }
            return Outcome.of(true, "gitlab-runner unregister --name " + c.name(), Json.object());
        }

        @Override
        public Outcome apply(UnregisterRunner c, StepContext ctx) {
            Outcome o = check(c, ctx);
            if (o.changed()) {
                HostActions.run(List.of(new Run(List.of("gitlab-runner", "unregister", "--name", c.name()), Duration.ofMinutes(2))), ctx);
            }
            return o;
        }
    }
}
