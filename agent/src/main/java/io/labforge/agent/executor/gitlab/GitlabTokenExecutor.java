package io.labforge.agent.executor.gitlab;

import io.labforge.agent.exec.Files2;
import io.labforge.agent.executor.gitlab.HostActions.Write;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.gitlab.CreateGitlabToken;
import io.labforge.common.lab.gitlab.RevokeGitlabToken;
import io.labforge.common.messaging.Json;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link CreateGitlabToken}: GitLab's documented way to make a personal access token without the web
 * UI is a Rails runner on its host ("Create a personal access token programmatically"): the agent
 * draws the token's value, and {@code gitlab-rails runner} stores it for {@code root}. The scripts are
 * constants; the value, name, scopes and lifetime reach them in the environment, so no secret is on a
 * command line and no user text is in Ruby code.
 */
public final class GitlabTokenExecutor implements Executor<CreateGitlabToken> {
    static final String STATE = "/var/lib/labforge/gitlab/";
    static final List<String> SCOPES = List.of("api", "read_repository", "write_repository");

    /** Prints "active" when the token in LABFORGE_TOKEN exists and is neither revoked nor expired. */
    static final String VERIFY = "t = PersonalAccessToken.find_by_token(ENV.fetch('LABFORGE_TOKEN')); "
            + "puts(t && t.active? ? 'labforge: active' : 'labforge: inactive')";
    /** Makes the token for root with the given name, scopes and lifetime. */
    static final String CREATE = "u = User.find_by_username('root'); "
            + "t = u.personal_access_tokens.create(scopes: ENV.fetch('LABFORGE_SCOPES').split(','), name: ENV.fetch('LABFORGE_TOKEN_NAME'), "
            + "expires_at: ENV.fetch('LABFORGE_DAYS').to_i.days.from_now); t.set_token(ENV.fetch('LABFORGE_TOKEN')); t.save!; "
            + "puts 'labforge: created'";
    /** Revokes the token when GitLab knows it. */
    static final String REVOKE = "t = PersonalAccessToken.find_by_token(ENV.fetch('LABFORGE_TOKEN')); t&.revoke!; "
            + "puts(t ? 'labforge: revoked' : 'labforge: absent')";

    @Override
    public Class<CreateGitlabToken> commandType() {
        return CreateGitlabToken.class;
    }

    static void validate(String method, String name) {
        if (!"omnibus".equals(method) && !"container".equals(method)) {
            throw ExecutorException.refused("gitlab.install is omnibus or container, not " + method);
        }
        if (name == null || !name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw ExecutorException.refused("a token name is lower-case letters, digits and '-', not " + name);
        }
    }

    /** {@code gitlab-rails runner SCRIPT} on the host, or in GitLab's container ({@code docker exec -e NAME}: values from this environment). */
    static List<String> railsRunner(String method, String script, Map<String, String> env) {
        List<String> argv = new ArrayList<>();
        if (method.equals("container")) {
            argv.addAll(List.of("docker", "exec"));
            env.keySet().forEach(k -> argv.addAll(List.of("--env", k)));
            argv.add(GitlabInstallExecutor.CONTAINER);
        }
        argv.addAll(List.of("gitlab-rails", "runner", script));
        return argv;
    }

    static String file(String name) {
        return STATE + name + ".token";
    }

    @Override
    public Outcome check(CreateGitlabToken c, StepContext ctx) {
        validate(c.method(), c.name());
        Optional<String> kept = Files2.read(ctx.root().path(file(c.name()))).map(String::strip).filter(t -> !t.isEmpty());
        if (kept.isEmpty()) {
            return Outcome.of(true, "would make GitLab token " + c.name() + " " + scopes(c), Json.object());
        }
        // the kept token, for the plan's checks through GitLab's API (a secret output, sealed as at apply)
        return new Outcome(false, "GitLab token " + c.name() + " kept on the host (checked against GitLab at apply)",
                Json.object().put("token", kept.get()), List.of("token"));
    }

    @Override
    public Outcome apply(CreateGitlabToken c, StepContext ctx) {
        validate(c.method(), c.name());
        Optional<String> kept = Files2.read(ctx.root().path(file(c.name()))).map(String::strip).filter(t -> !t.isEmpty());
        if (kept.isPresent() && active(c.method(), kept.get(), ctx)) {
            return new Outcome(false, "GitLab token " + c.name() + " active", Json.object().put("token", kept.get()), List.of("token"));
        }
        String token = "glpat-" + random(20);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LABFORGE_TOKEN", token);
        env.put("LABFORGE_TOKEN_NAME", c.name());
        env.put("LABFORGE_SCOPES", String.join(",", scopes(c)));
        env.put("LABFORGE_DAYS", String.valueOf(c.expiresInDays() == null ? 365 : c.expiresInDays()));
        if (ctx.root().isReal()) {
            ProcessRunner.Result r = new ProcessRunner(List.of(token)).require(railsRunner(c.method(), CREATE, env), env,
                    Duration.ofMinutes(10), ctx.progress());
            if (!r.output().contains("labforge: created")) {
                throw new ExecutorException("gitlab-rails runner did not confirm the token: " + r.output().strip(), true);
            }
        } else {
            ctx.progress().accept("not run (the host root is a test directory): gitlab-rails runner (create token " + c.name() + ")");
        }
        HostActions.write(ctx, new Write(file(c.name()), token + "\n", "rw-------"));
        return new Outcome(true, "made GitLab token " + c.name() + " " + scopes(c) + (kept.isPresent() ? " (the kept one was no longer active)" : ""),
                Json.object().put("token", token), List.of("token"));
    }

    private static boolean active(String method, String token, StepContext ctx) {
        if (!ctx.root().isReal()) {
            return true;
        }
        Map<String, String> env = Map.of("LABFORGE_TOKEN", token);
        ProcessRunner.Result r = new ProcessRunner(List.of(token)).run(railsRunner(method, VERIFY, new LinkedHashMap<>(env)), env,
                Duration.ofMinutes(10), ctx.progress());
        return r.ok() && r.output().contains("labforge: active");
    }

    private static List<String> scopes(CreateGitlabToken c) {
        return c.scopes() == null || c.scopes().isEmpty() ? SCOPES : c.scopes();
    }

    static String random(int n) {
        String alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        SecureRandom r = new SecureRandom();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /** {@link RevokeGitlabToken}. */
    public static final class Revoke implements Executor<RevokeGitlabToken> {
        @Override
        public Class<RevokeGitlabToken> commandType() {
            return RevokeGitlabToken.class;
        }

        @Override
        public Outcome check(RevokeGitlabToken c, StepContext ctx) {
            validate(c.method(), c.name());
            boolean kept = Files2.read(ctx.root().path(file(c.name()))).isPresent();
            return kept ? Outcome.of(true, "would revoke GitLab token " + c.name(), Json.object()) : Outcome.unchanged("no GitLab token " + c.name());
        }

        @Override
        public Outcome apply(RevokeGitlabToken c, StepContext ctx) {
            validate(c.method(), c.name());
            Optional<String> kept = Files2.read(ctx.root().path(file(c.name()))).map(String::strip);
            if (kept.isEmpty()) {
                return Outcome.unchanged("no GitLab token " + c.name());
            }
            if (ctx.root().isReal()) {
                Map<String, String> env = Map.of("LABFORGE_TOKEN", kept.get());
                new ProcessRunner(List.of(kept.get())).require(railsRunner(c.method(), REVOKE, new LinkedHashMap<>(env)), env,
                        Duration.ofMinutes(10), ctx.progress());
            }
            Files2.delete(ctx.root().path(file(c.name())));
            return Outcome.of(true, "revoked GitLab token " + c.name(), Json.object());
        }
    }
}
