package io.labforge.gitlab.api;

import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.gitlab.EnsureProject;
import io.labforge.common.messaging.Json;
import io.labforge.gitlab.projects.ProjectTemplates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.gitlab4j.api.GitLabApiException;
import org.gitlab4j.api.models.Project;
import org.gitlab4j.api.models.Visibility;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link EnsureProject}: the project under the token's user ({@code GET /projects/:path}, created by
 * {@code POST /projects} when GitLab answers 404), then, when its repository is empty, one commit of
 * the template's files pushed to its default branch with JGit. A project that already has commits is
 * left as it is: Labforge seeds, it does not overwrite a student's work.
 */
public final class EnsureProjectExecutor implements Executor<EnsureProject> {
    static final String BRANCH = "main";

    @Override
    public Class<EnsureProject> commandType() {
        return EnsureProject.class;
    }

    @Override
    public Outcome check(EnsureProject c, StepContext ctx) {
        validate(c);
        if (GitlabAccess.planned(c.token()) || GitlabAccess.planned(c.caPem())) {
            return Outcome.of(true, "project " + c.name() + " from template " + c.template() + ": checked against GitLab at apply "
                    + "(its token or CA is made then)", Json.object().put("created", false));
        }
        try (GitlabAccess gitlab = GitlabAccess.open(c.url(), c.caPem(), c.token())) {
            String path = gitlab.api().getUserApi().getCurrentUser().getUsername() + "/" + c.name();
            Optional<Project> p = GitlabAccess.optional(() -> gitlab.api().getProjectApi().getProject(path));
            if (p.isEmpty()) {
                return Outcome.of(true, "would create project " + path + " and seed it from template " + c.template(), outputs(null, path, true, true));
            }
            boolean empty = Boolean.TRUE.equals(p.get().getEmptyRepo());
            return Outcome.of(empty, empty ? "would seed the empty project " + path + " from template " + c.template()
                    : "project " + path + " exists with commits", outputs(p.get(), path, false, empty));
        } catch (GitLabApiException e) {
            throw GitlabAccess.failure("GitLab at " + c.url() + " did not answer about project " + c.name(), e);
        }
    }

    @Override
    public Outcome apply(EnsureProject c, StepContext ctx) {
        validate(c);
        try (GitlabAccess gitlab = GitlabAccess.open(c.url(), c.caPem(), c.token())) {
            String user = gitlab.api().getUserApi().getCurrentUser().getUsername();
            String path = user + "/" + c.name();
            Optional<Project> found = GitlabAccess.optional(() -> gitlab.api().getProjectApi().getProject(path));
            boolean created = found.isEmpty();
            Project p = created ? create(gitlab, c) : found.get();
            if (created) {
                ctx.progress().accept("created project " + path + " (id " + p.getId() + ")");
            }
            boolean seeded = false;
            if (Boolean.TRUE.equals(p.getEmptyRepo())) {
                seed(gitlab, c, p, user);
                seeded = true;
                ctx.progress().accept("pushed template " + c.template() + " to " + path + " (" + BRANCH + ")");
            }
            String diff = created ? "created project " + path + " and seeded it from template " + c.template()
                    : seeded ? "seeded the empty project " + path + " from template " + c.template() : "project " + path + " exists with commits";
            return Outcome.of(created || seeded, diff, outputs(p, path, created, seeded));
        } catch (GitLabApiException e) {
            throw GitlabAccess.failure("GitLab at " + c.url() + " refused project " + c.name(), e);
        }
    }

    private static void validate(EnsureProject c) {
        if (c.name() == null || !c.name().matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
            throw ExecutorException.refused("a project name is letters, digits, '_', '.', '-', not " + c.name());
        }
        if (!ProjectTemplates.exists(c.template())) {
            throw ExecutorException.refused("no project template '" + c.template() + "'; there are " + ProjectTemplates.names());
        }
        if (c.token() == null || c.token().isBlank()) {
            throw ExecutorException.refused("no GitLab token came with the command");
        }
    }

    private static Project create(GitlabAccess gitlab, EnsureProject c) throws GitLabApiException {
        Visibility v = c.visibility() == null ? Visibility.PRIVATE : Visibility.forValue(c.visibility());
        Project wanted = new Project().withName(c.name()).withPath(c.name()).withVisibility(v)
                .withDescription("Seeded by Labforge for lab " + c.lab());
        return gitlab.api().getProjectApi().createProject(wanted);
    }

    private static void seed(GitlabAccess gitlab, EnsureProject c, Project p, String user) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("labforge-seed-");
            try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch(BRANCH).call()) {
                for (Map.Entry<String, String> f : ProjectTemplates.files(c.template()).entrySet()) {
                    Path file = dir.resolve(f.getKey());
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, f.getValue(), StandardCharsets.UTF_8);
                }
                git.add().addFilepattern(".").call();
                PersonIdent who = new PersonIdent("Labforge", "labforge@" + c.lab() + ".lab");
                git.commit().setMessage("Seeded by Labforge from template " + c.template()).setAuthor(who).setCommitter(who)
                        .setSign(false).call();
                gitlab.push(git, p.getHttpUrlToRepo(), user, BRANCH);
            }
        } catch (GitAPIException e) {
            throw new ExecutorException("pushing the template to " + p.getHttpUrlToRepo() + " failed: " + e.getMessage(), true, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is not a step failure
        }
    }

    private static ObjectNode outputs(Project p, String path, boolean created, boolean seeded) {
        ObjectNode o = Json.object().put("path", path).put("created", created).put("seeded", seeded);
        if (p != null) {
            o.put("projectId", p.getId()).put("httpUrl", p.getHttpUrlToRepo());
        }
        return o;
    }
}
