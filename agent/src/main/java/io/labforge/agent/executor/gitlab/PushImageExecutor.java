package io.labforge.agent.executor.gitlab;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.gitlab.ImageNames;
import io.labforge.common.lab.gitlab.PushImage;
import io.labforge.common.messaging.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link PushImage}: {@code docker tag} then {@code docker push} with a Docker configuration made for
 * this push alone (its {@code auths} entry holds the token; mode 600, removed afterwards), so the token
 * is on no command line and in no lasting file. The source image's id pushed last is kept in
 * /var/lib/labforge/pushed/: the same image again is "unchanged".
 */
public final class PushImageExecutor implements Executor<PushImage> {
    private static final Pattern REGISTRY = Pattern.compile("[A-Za-z0-9.-]+(:\\d{1,5})?");
    private static final Pattern PATH = Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)+");
    private static final Pattern DIGEST = Pattern.compile("digest: (sha256:[0-9a-f]{64})");

    @Override
    public Class<PushImage> commandType() {
        return PushImage.class;
    }

    /** GitLab's naming convention: {@code <registry>/<namespace>/<project>/<image>:<tag>}. */
    static String target(PushImage c) {
        return c.registry() + "/" + c.projectPath().toLowerCase(Locale.ROOT) + "/" + c.image() + ":" + c.tag();
    }

    static void validate(PushImage c) {
        if (c.registry() == null || !REGISTRY.matcher(c.registry()).matches()) {
            throw ExecutorException.refused("'" + c.registry() + "' is not a registry (host:port)");
        }
        if (c.projectPath() == null || !PATH.matcher(c.projectPath().toLowerCase(Locale.ROOT)).matches()) {
            throw ExecutorException.refused("'" + c.projectPath() + "' is not a project path (namespace/project)");
        }
        if (!ImageNames.isName(c.image())) {
            throw ExecutorException.refused("'" + c.image() + "' is not an image name (lower case, digits, '.', '_', '-')");
        }
        if (!ImageNames.isTag(c.tag())) {
            throw ExecutorException.refused("'" + c.tag() + "' is not an image tag");
        }
        if (!ImageNames.isReference(c.source())) {
            throw ExecutorException.refused("'" + c.source() + "' is not an image reference");
        }
    }

    static Path record(StepContext ctx, PushImage c) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(target(c).getBytes(StandardCharsets.UTF_8));
            return ctx.root().path("/var/lib/labforge/pushed/" + HexFormat.of().formatHex(h, 0, 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<String> sourceId(StepContext ctx, PushImage c) {
        if (!ctx.root().isReal()) {
            return Optional.of("<test root>");
        }
        ProcessRunner.Result r = ctx.processes().run(List.of("docker", "image", "inspect", "--format", "{{.Id}}", c.source()),
                Duration.ofSeconds(30), null);
        return r.ok() ? Optional.of(r.output().strip()) : Optional.empty();
    }

    @Override
    public Outcome check(PushImage c, StepContext ctx) {
        if (c.projectPath() != null && c.projectPath().startsWith("<")) {
            // a plan: the project's path is GitLab's answer at apply
            return Outcome.of(true, "would push " + c.source() + " as " + c.registry() + "/<project>/" + c.image() + ":" + c.tag(), Json.object());
        }
        validate(c);
        String id = sourceId(ctx, c).orElseThrow(() -> missing(c));
        boolean same = Files2.read(record(ctx, c)).map(String::strip).filter(id::equals).isPresent();
        return Outcome.of(!same, same ? target(c) + " pushed from " + c.source() + " already" : "would push " + c.source() + " as " + target(c),
                Json.object().put("image", target(c)));
    }

    private static ExecutorException missing(PushImage c) {
        return ExecutorException.refused("image " + c.source() + " is not in this host's Docker: pull or build it there first");
    }

    @Override
    public Outcome apply(PushImage c, StepContext ctx) {
        validate(c);
        String id = sourceId(ctx, c).orElseThrow(() -> missing(c));
        Path rec = record(ctx, c);
        if (Files2.read(rec).map(String::strip).filter(id::equals).isPresent()) {
            return Outcome.of(false, target(c) + " pushed from " + c.source() + " already", Json.object().put("image", target(c)));
        }
        String digest = "";
        if (ctx.root().isReal()) {
            digest = push(c, ctx);
        } else {
            ctx.progress().accept("not run (the host root is a test directory): docker tag/push " + target(c));
        }
        Files2.write(rec, id + "\n");
        return Outcome.of(true, "pushed " + c.source() + " as " + target(c) + (digest.isEmpty() ? "" : " (" + digest + ")"),
                Json.object().put("image", target(c)).put("digest", digest));
    }

    /** The Docker configuration {@code docker --config} reads: one {@code auths} entry, as {@code docker login} writes it. */
    static String dockerConfig(PushImage c) {
        String user = c.projectPath().substring(0, c.projectPath().indexOf('/'));
        String auth = Base64.getEncoder().encodeToString((user + ":" + c.token()).getBytes(StandardCharsets.UTF_8));
        return Json.write(Json.object().set("auths", Json.object().set(c.registry(), Json.object().put("auth", auth))));
    }

    private static String push(PushImage c, StepContext ctx) {
        if (c.token() == null || c.token().isBlank()) {
            throw ExecutorException.refused("no registry token came with the command");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory(Path.of("/var/lib/labforge").toFile().isDirectory() ? Path.of("/var/lib/labforge") : Path.of("/root"),
                    "push-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path config = dir.resolve("config.json");
            Files.writeString(config, dockerConfig(c));
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
            ProcessRunner docker = new ProcessRunner(List.of(c.token()));
            docker.require(List.of("docker", "--config", dir.toString(), "tag", c.source(), target(c)), Duration.ofMinutes(1), ctx.progress());
            ProcessRunner.Result r = docker.require(List.of("docker", "--config", dir.toString(), "push", target(c)), Duration.ofMinutes(20),
                    ctx.progress());
            Matcher m = DIGEST.matcher(r.output());
            return m.find() ? m.group(1) : "";
        } catch (IOException e) {
            throw new ExecutorException("cannot prepare the push: " + e.getMessage(), true, e);
        } finally {
            if (dir != null) {
                try (var files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException e) {
                    // a leftover empty directory
                }
            }
        }
    }
}
