package io.labforge.agent.executor.gitlab;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.exec.HostRoot;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.gitlab.InstallGitlabHooks;
import io.labforge.common.lab.gitlab.RemoveGitlabHooks;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * R8 for real: Labforge's pre-receive hook in a bare repository, pushed to with git. GitLab runs
 * server hooks the same way (stdin "old new ref", exit code, output shown to the pusher).
 */
class LintHookTest {
    Path server;
    Path work;

    record Git(int exit, String out) {
    }

    static Git git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Git(p.exitValue(), out);
    }

    static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }

    @BeforeEach
    void repositories(@TempDir Path dir) throws Exception {
        boolean tools = onPath("git") && onPath("python3");
        if (!tools) {
            System.out.println("SKIPPED LintHookTest: git and python3 are needed (apt-get install git python3)");
        }
        Assumptions.assumeTrue(tools, "git and python3 are needed");
        server = dir.resolve("server.git");
        work = dir.resolve("work");
        Files.createDirectories(server);
        Files.createDirectories(work);
        assertThat(git(server, "init", "-q", "--bare").exit()).isZero();
        Path hook = server.resolve("hooks/pre-receive");
        try (InputStream in = LintHookTest.class.getResourceAsStream("/io/labforge/agent/gitlab/labforge-lint")) {
            Files.write(hook, in.readAllBytes());
        }
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        git(work, "init", "-q", "-b", "main");
        git(work, "config", "user.email", "student@lab.test");
        git(work, "config", "user.name", "Student");
        git(work, "remote", "add", "origin", server.toString());
    }

    Git commitAndPush(String message) throws Exception {
        git(work, "add", "-A");
        assertThat(git(work, "commit", "-q", "-m", message).exit()).isZero();
        return git(work, "push", "-q", "origin", "HEAD:main");
    }

    String head() throws Exception {
        return git(server, "rev-parse", "--verify", "-q", "refs/heads/main").out().strip();
    }

    @Test
    void theTp1AppIsAcceptedAndABrokenDockerfileIsRefusedWithTheReason() throws Exception {
        // the TP1 app as the examples hold it, and the http-server project gitlab-service seeds: they parse
        copy(Path.of("..", "examples", "tp1-app"), work);
        copy(Path.of("..", "gitlab-service", "src", "main", "resources", "io", "labforge", "gitlab", "projects", "http-server"),
                work.resolve("http-server"));
        Git ok = commitAndPush("TP1");
        assertThat(ok.exit()).as(ok.out()).isZero();
        String accepted = head();
        assertThat(accepted).isNotEmpty();

        Files.writeString(work.resolve("web/Dockerfile"), "FORM python:3.12-alpine\nCOPY app.py .\nCMD [\"python3\", app.py]\n");
        Git refused = commitAndPush("typo");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.out()).contains("remote: GL-HOOK-ERR: push refused by Labforge")
                .contains("web/Dockerfile (refs/heads/main): line 1: unknown instruction FORM")
                .contains("line 2: COPY before any FROM")
                .contains("line 3: CMD's JSON form does not parse")
                .contains("pre-receive hook declined");
        assertThat(head()).as("nothing of the refused push landed").isEqualTo(accepted);

        Files.writeString(work.resolve("web/Dockerfile"), "FROM python:3.12-alpine\nCOPY app.py .\nCMD [\"python3\", \"app.py\"]\n");
        Git fixed = commitAndPush("fixed");
        assertThat(fixed.exit()).as(fixed.out()).isZero();
        assertThat(head()).isNotEqualTo(accepted);
    }

    @Test
    void aComposeFileThatDoesNotParseIsRefusedWithItsLine() throws Exception {
        Files.writeString(work.resolve("README.md"), "notes\n");
        assertThat(commitAndPush("first").exit()).isZero();
        Files.writeString(work.resolve("docker-compose.yml"), "services:\n  web:\n    image: nginx\n   ports: [80]\n");
        Git bad = commitAndPush("bad yaml");
        assertThat(bad.out()).contains("docker-compose.yml (refs/heads/main): line 4: not valid YAML");
        Files.writeString(work.resolve("docker-compose.yml"), "services:\n  web:\n    ports: [\"80:80\"]\n");
        Git noImage = commitAndPush("no image");
        assertThat(noImage.exit()).isNotZero();
        assertThat(noImage.out()).contains("service web has neither image: nor build:");
        Files.writeString(work.resolve("docker-compose.yml"), "services:\n  web:\n    image: nginx\n    ports: [\"80:80\"]\n");
        assertThat(commitAndPush("good").exit()).isZero();
        // a push that changes neither kind of file is not looked at
        Files.writeString(work.resolve("dockerfile-howto.md"), "FORM nothing\n");
        assertThat(commitAndPush("notes").exit()).isZero();
    }

    @Test
    void theExecutorInstallsTheHookWhereGitlabRunsServerHooksAndItsUndoRemovesOnlyWhatItMade(@TempDir Path root) throws Exception {
        var ctx = new StepContext(new HostRoot(root), new ProcessRunner(),
                1, line -> { });
        var install = new InstallGitlabHooks("/var/opt/gitlab/gitaly/custom_hooks");
        GitlabHooksExecutor exec = new GitlabHooksExecutor();
        assertThat(exec.check(install, ctx).changed()).isTrue();
        var first = exec.apply(install, ctx);
        assertThat(first.outputs().get("created").asBoolean()).isTrue();
        Path hook = root.resolve("var/opt/gitlab/gitaly/custom_hooks/pre-receive.d/labforge-lint");
        assertThat(Files.getPosixFilePermissions(hook)).contains(PosixFilePermission.OTHERS_EXECUTE);
        assertThat(exec.apply(install, ctx).changed()).as("installed twice: no change").isFalse();

        // the installed file is the hook: in the bare repository it refuses a broken Dockerfile
        Files.copy(hook, server.resolve("hooks/pre-receive"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(work.resolve("Dockerfile"), "RUN true\n");
        assertThat(commitAndPush("no FROM").out()).contains("GL-HOOK-ERR: Dockerfile (refs/heads/main): line 1: RUN before any FROM");

        var remove = new GitlabHooksExecutor.Remove();
        var keep = remove.apply(new RemoveGitlabHooks("/var/opt/gitlab/gitaly/custom_hooks", false), ctx);
        assertThat(keep.changed()).isFalse();
        assertThat(hook).exists();
        assertThat(remove.apply(new RemoveGitlabHooks("/var/opt/gitlab/gitaly/custom_hooks", true), ctx)
                .changed()).isTrue();
        assertThat(hook).doesNotExist();
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
