package io.labforge.agent.executor.gitlab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.agent.executor.gitlab.HostActions.Run;
import io.labforge.agent.executor.gitlab.HostActions.Write;
import io.labforge.common.command.AgentCommand;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.HostRoot;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.gitlab.CreateGitlabToken;
import io.labforge.common.lab.gitlab.InstallGitlab;
import io.labforge.common.lab.gitlab.RegisterRunner;
import io.labforge.common.lab.gitlab.RevokeGitlabToken;
import io.labforge.common.lab.gitlab.StopGitlab;
import io.labforge.common.lab.gitlab.UnregisterRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * The agent's GitLab steps where no GitLab, gitlab-ce package or gitlab-runner can be had (their
 * repositories are unreachable here): the commands checked against GitLab's documentation
 * (installation, "Create a personal access token programmatically", "Registering runners"), the files
 * they leave under a test root, the Ruby scripts checked by Ruby itself, the runner template by a TOML
 * parser — and no secret on a command line or in what the step reports.
 */
class GitlabHostStepsTest {
    static final String PASSWORD = "S3cret-root-pw!";
    @TempDir
    Path dir;
    StepContext ctx;
    final List<String> progress = new ArrayList<>();

    @BeforeEach
    void root() throws Exception {
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/os-release"), "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_CODENAME=bookworm\n");
        ctx = new StepContext(new HostRoot(dir), new ProcessRunner(), 1, progress::add);
    }

    InstallGitlab install(String method, String rb) {
        return new InstallGitlab(method, "https://gitlab.lab1.lab", rb, PASSWORD, null, 5050, null);
    }

    @Test
    void omnibusSetsUpGitlabsRepositoryAsDocumentedInstallsWithTheUrlAndPasswordInTheEnvironmentAndReconfiguresOnlyOnChange() throws Exception {
        List<HostActions.Action> a = GitlabInstallExecutor.omnibus(install("omnibus", "x"), new HostActions.Os("debian", "bookworm"));
        List<List<String>> runs = a.stream().filter(Run.class::isInstance).map(x -> ((Run) x).argv()).toList();
        assertThat(runs).contains(
                List.of("curl", "-fsSL", "--retry", "3", "-o", "/var/lib/labforge/gitlab_gitlab-ce.gpgkey", "https://packages.gitlab.com/gitlab/gitlab-ce/gpgkey"),
                List.of("gpg", "--batch", "--yes", "--dearmor", "-o", "/usr/share/keyrings/gitlab_gitlab-ce-archive-keyring.gpg",
                        "/var/lib/labforge/gitlab_gitlab-ce.gpgkey"),
                List.of("apt-get", "install", "-y", "-q", "-o", "Dpkg::Options::=--force-confold", "gitlab-ce"));
        Write list = (Write) a.stream().filter(Write.class::isInstance).findFirst().orElseThrow();
        assertThat(list.path()).isEqualTo("/etc/apt/sources.list.d/gitlab_gitlab-ce.list");
        assertThat(list.content()).startsWith("deb [signed-by=/usr/share/keyrings/gitlab_gitlab-ce-archive-keyring.gpg] "
                + "https://packages.gitlab.com/gitlab/gitlab-ce/debian/ bookworm main\n");
        Run pkg = (Run) a.get(a.size() - 1);
        assertThat(pkg.env()).containsEntry("EXTERNAL_URL", "https://gitlab.lab1.lab").containsEntry("GITLAB_ROOT_PASSWORD", PASSWORD);
        assertThat(String.join(" ", pkg.argv())).doesNotContain(PASSWORD);
        assertThat(pkg.toString()).doesNotContain(PASSWORD).contains("GITLAB_ROOT_PASSWORD");

        GitlabInstallExecutor exec = new GitlabInstallExecutor();
        Outcome first = exec.apply(install("omnibus", "external_url 'https://gitlab.lab1.lab'\n"), ctx);
        assertThat(first.changed()).isTrue();
        assertThat(first.outputs().get("installed").asBoolean()).isTrue();
        assertThat(Files.readString(dir.resolve("etc/gitlab/gitlab.rb"))).isEqualTo("external_url 'https://gitlab.lab1.lab'\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("etc/gitlab/gitlab.rb")))).isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve("etc/apt/sources.list.d/gitlab_gitlab-ce.list"))).contains("bookworm main");
        assertThat(String.join("\n", progress) + first.diff()).doesNotContain(PASSWORD);

        // what the package leaves: GitLab is there; the same gitlab.rb changes nothing, another one reconfigures only
        Files.createDirectories(dir.resolve("opt/gitlab/bin"));
        Files.writeString(dir.resolve("opt/gitlab/bin/gitlab-ctl"), "");
        assertThat(exec.apply(install("omnibus", "external_url 'https://gitlab.lab1.lab'\n"), ctx).changed()).isFalse();
        Outcome changed = exec.apply(install("omnibus", "external_url 'https://gitlab.lab1.lab'\nletsencrypt['enable'] = false\n"), ctx);
        assertThat(changed.diff()).isEqualTo("write /etc/gitlab/gitlab.rb\ngitlab-ctl reconfigure");
        assertThat(changed.outputs().get("installed").asBoolean()).isFalse();
    }

    @Test
    void aHostWithoutGitlabsRepositoriesIsRefusedWithTheFixAndNothingWritten() throws Exception {
        Files.writeString(dir.resolve("etc/os-release"), "ID=fedora\nVERSION_ID=40\n");
        assertThatThrownBy(() -> new GitlabInstallExecutor().apply(install("omnibus", "external_url 'https://x'\n"), ctx))
                .isInstanceOf(ExecutorException.class).hasMessageContaining("ID=fedora").hasMessageContaining("gitlab.install: container");
        assertThat(dir.resolve("etc/apt")).doesNotExist();
    }

    @Test
    void theContainerRunsAsGitlabsDockerPageSaysWithThePasswordInAnEnvFileOfMode600() {
        List<HostActions.Action> a = GitlabInstallExecutor.container(install("container", "x"));
        Run run = a.stream().filter(Run.class::isInstance).map(Run.class::cast).filter(r -> r.argv().get(1).equals("run")).findFirst().orElseThrow();
        assertThat(run.argv()).containsExactly("docker", "run", "--detach", "--name", "gitlab", "--restart", "always",
                "--hostname", "gitlab.lab1.lab", "--publish", "443:443", "--publish", "80:80", "--publish", "5050:5050",
                "--volume", "/etc/gitlab:/etc/gitlab", "--volume", "/var/log/gitlab:/var/log/gitlab",
                "--volume", "/var/opt/gitlab:/var/opt/gitlab", "--shm-size", "256m",
                "--env-file", "/etc/gitlab/.labforge-initial.env", "gitlab/gitlab-ce:latest");
        Write env = (Write) a.stream().filter(Write.class::isInstance).findFirst().orElseThrow();
        assertThat(env.mode()).isEqualTo("rw-------");
        assertThat(env.content()).isEqualTo("GITLAB_ROOT_PASSWORD=" + PASSWORD + "\n");
        assertThat(((Run) a.get(a.size() - 1)).argv()).containsExactly("rm", "-f", "/etc/gitlab/.labforge-initial.env");
        assertThat(GitlabInstallExecutor.reconfigure("container").argv()).containsExactly("docker", "exec", "gitlab", "gitlab-ctl", "reconfigure");
        assertThat(GitlabInstallExecutor.Stop.actions(new StopGitlab("container", true)).toString())
                .contains("docker stop --time 60 gitlab").contains("docker rm gitlab");
        assertThat(GitlabInstallExecutor.Stop.actions(new StopGitlab("container", false)).toString()).doesNotContain("docker rm");
    }

    @Test
    void theTokenScriptsAreRubyTheValueTravelsInTheEnvironmentAndTheTokenIsKeptAndReused() throws Exception {
        for (String script : List.of(GitlabTokenExecutor.VERIFY, GitlabTokenExecutor.CREATE, GitlabTokenExecutor.REVOKE)) {
            ProcessRunner.Result r = new ProcessRunner().run(List.of("ruby", "-c", "-e", script), Duration.ofSeconds(30), null);
            assertThat(r.output()).as(script).contains("Syntax OK");
        }
        var env = new LinkedHashMap<String, String>();
        env.put("LABFORGE_TOKEN", "glpat-secret");
        assertThat(GitlabTokenExecutor.railsRunner("container", GitlabTokenExecutor.VERIFY, env))
                .containsExactly("docker", "exec", "--env", "LABFORGE_TOKEN", "gitlab", "gitlab-rails", "runner", GitlabTokenExecutor.VERIFY);
        assertThat(GitlabTokenExecutor.railsRunner("omnibus", GitlabTokenExecutor.VERIFY, env))
                .containsExactly("gitlab-rails", "runner", GitlabTokenExecutor.VERIFY);

        var c = new CreateGitlabToken("omnibus", "labforge-lab1", null, null);
        Outcome made = new GitlabTokenExecutor().apply(c, ctx);
        String token = made.outputs().get("token").asString();
        assertThat(token).matches("glpat-[A-Za-z0-9]{20}");
        assertThat(made.secretOutputs()).containsExactly("token");
        assertThat(made.diff() + progress).doesNotContain(token).contains("api, read_repository, write_repository");
        Path kept = dir.resolve("var/lib/labforge/gitlab/labforge-lab1.token");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept))).isEqualTo("rw-------");
        Outcome again = new GitlabTokenExecutor().apply(c, ctx);
        assertThat(again.changed()).isFalse();
        assertThat(again.outputs().get("token").asString()).isEqualTo(token);
        assertThat(new GitlabTokenExecutor.Revoke().apply(new RevokeGitlabToken("omnibus", "labforge-lab1"), ctx).changed()).isTrue();
        assertThat(kept).doesNotExist();
        assertThatThrownBy(() -> new GitlabTokenExecutor().apply(new CreateGitlabToken("omnibus", "x'; system('id')", null, null), ctx))
                .isInstanceOf(ExecutorException.class).hasMessageContaining("token name");
    }

    RegisterRunner runner(String executor, String token) {
        return new RegisterRunner("runner1-" + executor, "https://gitlab.lab1.lab", token, executor, "alpine:3.20",
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", List.of("gitlab.lab1.lab:10.78.0.10", "registry.lab1.lab:10.78.0.11"), null);
    }

    @Test
    void aRunnerRegistersWithTheDocumentedFlagsItsTokenInTheEnvironmentAndExtraHostsInATemplateTomlReads() throws Exception {
        var c = runner("docker", "glrt-abcdefghijklmnopqrst");
        Run reg = RunnerExecutor.register(c);
        assertThat(reg.argv()).containsExactly("gitlab-runner", "register", "--non-interactive", "--url", "https://gitlab.lab1.lab",
                "--name", "runner1-docker", "--executor", "docker", "--docker-image", "alpine:3.20",
                "--tls-ca-file", "/etc/gitlab-runner/certs/gitlab.lab1.lab.crt",
                "--template-config", "/etc/gitlab-runner/labforge-runner1-docker.template.toml");
        assertThat(reg.env()).containsEntry("CI_SERVER_TOKEN", "glrt-abcdefghijklmnopqrst");
        assertThat(reg.toString()).doesNotContain("glrt-abc");

        JsonNode template = new TomlMapper().readTree(RunnerExecutor.template(c));
        assertThat(template.path("runners").get(0).path("docker").path("extra_hosts").toString())
                .isEqualTo("[\"gitlab.lab1.lab:10.78.0.10\",\"registry.lab1.lab:10.78.0.11\"]");
        assertThat(new TomlMapper().readTree(RunnerExecutor.template(runner("shell", "t"))).path("runners").get(0).has("docker")).isFalse();
        assertThat(RunnerExecutor.register(runner("shell", "t")).argv()).doesNotContain("--docker-image");

        // not installed: GitLab's runner repository first, as its installation page sets it up
        List<String> fresh = new RunnerExecutor().actions(c, ctx).stream().map(Object::toString).toList();
        assertThat(fresh).contains("curl -fsSL --retry 3 -o /var/lib/labforge/runner_gitlab-runner.gpgkey https://packages.gitlab.com/runner/gitlab-runner/gpgkey",
                "write /etc/apt/sources.list.d/runner_gitlab-runner.list", "apt-get install -y -q gitlab-runner (with DEBIAN_FRONTEND)");
        assertThat(fresh.indexOf("apt-get install -y -q gitlab-runner (with DEBIAN_FRONTEND)")).isLessThan(fresh.size() - 1);
        Files.createDirectories(dir.resolve("usr/bin"));
        Files.writeString(dir.resolve("usr/bin/gitlab-runner"), ""); // installed: no repository set-up
        Outcome o = new RunnerExecutor().apply(c, ctx);
        assertThat(o.changed()).isTrue();
        assertThat(o.diff()).doesNotContain("apt-get").contains("gitlab-runner register").doesNotContain("glrt-");
        assertThat(Files.readString(dir.resolve("etc/gitlab-runner/certs/gitlab.lab1.lab.crt"))).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("etc/gitlab-runner/labforge-runner1-docker.template.toml"))))
                .isEqualTo("rw-------");
    }

    @Test
    void aRunnerInConfigTomlIsLeftAloneAndOneMissingWithoutATokenIsRefusedWithTheFix() throws Exception {
        Files.createDirectories(dir.resolve("etc/gitlab-runner"));
        // config.toml as gitlab-runner 17 writes it
        Files.writeString(dir.resolve("etc/gitlab-runner/config.toml"), """
                concurrent = 1
                check_interval = 0
                shutdown_timeout = 0

                [session_server]
                  session_timeout = 1800

                [[runners]]
                  name = "runner1-docker"
                  url = "https://gitlab.lab1.lab"
                  id = 7
                  token = "glrt-abcdefghijklmnopqrst"
                  token_obtained_at = 2026-11-25T10:00:00Z
                  token_expires_at = 0001-01-01T00:00:00Z
                  executor = "docker"
                  [runners.cache]
                    MaxUploadedArchiveSize = 0
                  [runners.docker]
                    tls_verify = false
                    image = "alpine:3.20"
                    extra_hosts = ["gitlab.lab1.lab:10.78.0.10"]
                    volumes = ["/cache"]
                """);
        Outcome o = new RunnerExecutor().apply(runner("docker", ""), ctx);
        assertThat(o.changed()).isFalse();
        assertThat(o.diff()).isEqualTo("runner runner1-docker registered here");
        assertThatThrownBy(() -> new RunnerExecutor().apply(runner("shell", ""), ctx)).isInstanceOf(ExecutorException.class)
                .hasMessageContaining("exists in GitLab but is not registered on this host").hasMessageContaining("delete runner runner1-shell");
        assertThat(new RunnerExecutor.Unregister().check(new UnregisterRunner("runner1-docker", false), ctx).changed()).isFalse();
        assertThat(new RunnerExecutor.Unregister().check(new UnregisterRunner("runner1-docker", true), ctx).diff())
                .isEqualTo("gitlab-runner unregister --name runner1-docker");
    }
}
