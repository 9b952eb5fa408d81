package io.labforge.gitlab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.command.GitlabCommand;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.gitlab.AwaitGitlab;
import io.labforge.common.lab.gitlab.CreateRunner;
import io.labforge.common.lab.gitlab.DeleteRunner;
import io.labforge.common.lab.gitlab.EnsureProject;
import io.labforge.common.lab.gitlab.RemoveProject;
import io.labforge.common.tls.Pki;
import io.labforge.gitlab.fake.FakeGitlab;
import io.labforge.gitlab.projects.ProjectTemplates;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * gitlab-service's GitLab steps against {@link FakeGitlab} (GitLab's documented API over HTTPS with a
 * CA of its own, Git pushes into real JGit repositories): readiness, projects seeded with JGit,
 * runners created the GitLab 16+ way, their undo, and GitLab's errors.
 */
class GitlabApiStepsTest {
    static final String TOKEN = "glpat-test-0123456789";
    FakeGitlab gitlab;
    final List<String> progress = new ArrayList<>();
    StepContext ctx;

    @BeforeEach
    void start() throws Exception {
        gitlab = new FakeGitlab(TOKEN);
        ctx = new StepContext(null, null, 1, progress::add);
    }

    @AfterEach
    void stop() {
        gitlab.close();
    }

    @Test
    void waitsForReadinessThroughThe502sOfAStartingGitlabAndTellsWhatItSees() {
        gitlab.notReadyFor(3);
        AwaitGitlabExecutor await = new AwaitGitlabExecutor(Duration.ofMillis(50));
        var c = new AwaitGitlab("lab1", gitlab.url(), gitlab.caPem(), 30);
        assertThat(await.check(c, ctx).diff()).startsWith("would wait for GitLab").contains("HTTP 502");
        Outcome o = await.apply(c, ctx);
        assertThat(o.outputs().get("ready").asBoolean()).isTrue();
        assertThat(progress).anySatisfy(p -> assertThat(p).contains("not ready yet: HTTP 502").contains("Whoops"));
    }

    @Test
    void aGitlabNeverReadyFailsRetryablyAfterItsTimeoutAndAnotherCaIsRefusedAtOnce() throws Exception {
        gitlab.notReadyFor(1_000);
        var slow = new AwaitGitlab("lab1", gitlab.url(), gitlab.caPem(), 1);
        assertThatThrownBy(() -> new AwaitGitlabExecutor(Duration.ofMillis(100)).apply(slow, ctx))
                .isInstanceOfSatisfying(ExecutorException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("not ready after 1 s").hasMessageContaining("HTTP 502");
        String otherCa = Pki.pem(Pki.newCa(Pki.newKey(), "another CA", Duration.ofDays(1)));
        var wrongTrust = new AwaitGitlab("lab1", gitlab.url(), otherCa, 60);
        assertThatThrownBy(() -> new AwaitGitlabExecutor(Duration.ofMillis(100)).apply(wrongTrust, ctx))
                .isInstanceOfSatisfying(ExecutorException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("TLS refused");
    }

    @Test
    void aUrlWhoseNameDoesNotResolveIsRefusedAtOnceWithTheFix() {
        var c = new AwaitGitlab("lab1", "https://gitlab.nowhere.invalid", gitlab.caPem(), 20);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> new AwaitGitlabExecutor(Duration.ofMillis(100)).apply(c, ctx))
                .isInstanceOfSatisfying(ExecutorException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("no address for gitlab.nowhere.invalid").hasMessageContaining("/etc/hosts");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aProjectIsCreatedSeededWithItsTemplateOverGitAndLeftAloneTheSecondTime() throws Exception {
        var c = new EnsureProject("lab1", gitlab.url(), gitlab.caPem(), TOKEN, "http-server", "http-server", null);
        EnsureProjectExecutor ensure = new EnsureProjectExecutor();
        Outcome plan = ensure.check(c, ctx);
        assertThat(plan.changed()).isTrue();
        assertThat(plan.diff()).contains("would create project root/http-server");
        assertThat(gitlab.projects()).isEmpty();

        Outcome first = ensure.apply(c, ctx);
        assertThat(first.changed()).isTrue();
        assertThat(first.outputs().get("created").asBoolean()).isTrue();
        assertThat(first.outputs().get("seeded").asBoolean()).isTrue();
        long id = first.outputs().get("projectId").asLong();
        assertThat(gitlab.projects().get(id).get("visibility").asString()).isEqualTo("private");
        // the pushed commit holds exactly the template's files, byte for byte
        Repository repo = gitlab.repository(id);
        ObjectId head = repo.resolve("refs/heads/main");
        assertThat(head).isNotNull();
        try (RevWalk walk = new RevWalk(repo); TreeWalk tree = new TreeWalk(repo)) {
            RevCommit commit = walk.parseCommit(head);
            assertThat(commit.getFullMessage()).contains("template http-server");
            tree.addTree(commit.getTree());
            tree.setRecursive(true);
            List<String> paths = new ArrayList<>();
            while (tree.next()) {
                paths.add(tree.getPathString());
                String content = new String(repo.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
                assertThat(content).isEqualTo(ProjectTemplates.files("http-server").get(tree.getPathString()));
            }
            assertThat(paths).containsExactlyInAnyOrderElementsOf(ProjectTemplates.files("http-server").keySet());
        }

        Outcome again = ensure.apply(c, ctx);
        assertThat(again.changed()).isFalse();
        assertThat(again.outputs().get("created").asBoolean()).isFalse();
        assertThat(again.outputs().get("projectId").asLong()).isEqualTo(id);
        assertThat(repo.resolve("refs/heads/main")).isEqualTo(head);

        // undo: the step that found it keeps it; the one that created it deletes it (202), then it is gone
        RemoveProjectExecutor remove = new RemoveProjectExecutor();
        assertThat(remove.apply(new RemoveProject(gitlab.url(), gitlab.caPem(), TOKEN, id, false), ctx).changed()).isFalse();
        assertThat(gitlab.projects()).containsKey(id);
        assertThat(remove.apply(new RemoveProject(gitlab.url(), gitlab.caPem(), TOKEN, id, true), ctx).changed()).isTrue();
        assertThat(gitlab.projects()).doesNotContainKey(id);
        assertThat(remove.apply(new RemoveProject(gitlab.url(), gitlab.caPem(), TOKEN, id, true), ctx).diff()).contains("already gone");
    }

    @Test
    void aRunnerIsCreatedWithItsTagsItsGlrtTokenASecretOutputFoundAgainAcrossPagesAndDeleted() {
        for (int i = 0; i < 120; i++) {
            gitlab.addRunner("someone-else-" + i); // more than GitLab's largest page (100)
        }
        var c = new CreateRunner("lab1", gitlab.url(), gitlab.caPem(), TOKEN, "runner1-docker", List.of("docker"), false);
        CreateRunnerExecutor create = new CreateRunnerExecutor();
        assertThat(create.check(c, ctx).diff()).isEqualTo("would create runner runner1-docker tags [docker]");
        Outcome made = create.apply(c, ctx);
        assertThat(made.changed()).isTrue();
        assertThat(made.secretOutputs()).containsExactly("runnerToken");
        assertThat(made.outputs().get("runnerToken").asString()).startsWith("glrt-");
        assertThat(made.diff()).doesNotContain(made.outputs().get("runnerToken").asString());
        long id = made.outputs().get("runnerId").asLong();
        assertThat(gitlab.runners().get(id).get("tag_list").toString()).isEqualTo("[\"docker\"]");
        assertThat(gitlab.runners().get(id).get("run_untagged").asBoolean()).isFalse();

        Outcome again = create.apply(c, ctx);
        assertThat(again.changed()).isFalse();
        assertThat(again.outputs().get("runnerId").asLong()).isEqualTo(id);
        assertThat(gitlab.runners()).hasSize(121);
        assertThat(gitlab.requests).anySatisfy(r -> assertThat(r).startsWith("GET /runners/all?").contains("type=instance_type").contains("page=2"));

        DeleteRunnerExecutor delete = new DeleteRunnerExecutor();
        assertThat(delete.apply(new DeleteRunner(gitlab.url(), gitlab.caPem(), TOKEN, id, true), ctx).changed()).isTrue();
        assertThat(gitlab.runners()).doesNotContainKey(id).hasSize(120);
        assertThat(delete.apply(new DeleteRunner(gitlab.url(), gitlab.caPem(), TOKEN, id, true), ctx).changed()).isFalse();
    }

    @Test
    void aPlanWhoseTokenIsMadeAtApplyDoesNotAskGitlabWithThePlaceholder() {
        var p = new EnsureProject("lab1", gitlab.url(), gitlab.caPem(), "<gitlab-token@gitlab#token>", "p", "sleepytest", null);
        assertThat(new EnsureProjectExecutor().check(p, ctx).diff()).contains("checked against GitLab at apply");
        var r = new CreateRunner("lab1", gitlab.url(), gitlab.caPem(), "<secret GITLAB_TOKEN>", "r", List.of("shell"), true);
        assertThat(new CreateRunnerExecutor().check(r, ctx).diff()).contains("checked against GitLab at apply");
        assertThat(gitlab.requests).isEmpty();
    }

    @Test
    void gitlabsErrorsFailTheStepRetryableFor5xxAndNotForAWrongToken() {
        var c = new CreateRunner("lab1", gitlab.url(), gitlab.caPem(), TOKEN, "r", List.of("shell"), true);
        gitlab.failNextApiCalls(1);
        assertThatThrownBy(() -> new CreateRunnerExecutor().apply(c, ctx))
                .isInstanceOfSatisfying(ExecutorException.class, e -> assertThat(e.retryable()).isTrue()).hasMessageContaining("HTTP 500");
        var wrong = new EnsureProject("lab1", gitlab.url(), gitlab.caPem(), "glpat-wrong", "p", "sleepytest", null);
        assertThatThrownBy(() -> new EnsureProjectExecutor().apply(wrong, ctx))
                .isInstanceOfSatisfying(ExecutorException.class, e -> assertThat(e.retryable()).isFalse()).hasMessageContaining("HTTP 401");
        assertThat(gitlab.runners()).isEmpty();
        assertThat(gitlab.projects()).isEmpty();
    }
}
