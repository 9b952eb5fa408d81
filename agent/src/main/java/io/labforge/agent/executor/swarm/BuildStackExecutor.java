package io.labforge.agent.executor.swarm;

import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.swarm.BuildStack;
import io.labforge.common.messaging.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * R20: the images of a stack built on this host and pushed to the lab's registry, with the
 * compose file's own tools ({@code docker-compose build} and {@code push}, for the services with a
 * {@code build:} section). The step changed something when an image's id differs from before the
 * build; a record of what was built ({@code .labforge-built}: a hash of the files and variables, the
 * image ids) lets a plan tell whether a build would change anything.
 */
public final class BuildStackExecutor implements Executor<BuildStack> {
    static final Duration BUILD = Duration.ofMinutes(15);
    static final String RECORD = ".labforge-built";

    @Override
    public Class<BuildStack> commandType() {
        return BuildStack.class;
    }

    @Override
    public Outcome check(BuildStack c, StepContext ctx) {
        StackDir.requireRealHost(ctx);
        Path record = StackDir.dir(ctx, c.stack()).resolve(RECORD);
        try {
            if (Files.exists(record)) {
                JsonNode built = Json.read(Files.readString(record));
                if (built.path("inputs").asString("").equals(inputsHash(c))) {
                    Map<String, String> images = new TreeMap<>();
                    built.path("images").properties().forEach(e -> images.put(e.getKey(), e.getValue().path("image").asString()));
                    boolean same = built.path("images").properties().stream()
                            .allMatch(e -> e.getValue().path("id").asString().equals(imageId(ctx, e.getValue().path("image").asString())));
                    if (same) {
                        return Outcome.of(false, "images of stack " + c.stack() + " built from these files: " + images.values(),
                                outputs(images));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no readable record: a build would tell
        }
        return Outcome.of(true, "+ docker-compose build and push the images of stack " + c.stack(), Json.object());
    }

    @Override
    public Outcome apply(BuildStack c, StepContext ctx) {
        StackDir.requireRealHost(ctx);
        Path compose = StackDir.write(ctx, c.stack(), "build", c.files(), c.compose());
        Map<String, String> env = c.env() == null ? Map.of() : c.env();
        List<StackDir.ComposeService> built = StackDir.services(ctx, compose, c.stack(), env).stream()
                .filter(StackDir.ComposeService::build).toList();
        if (built.isEmpty()) {
            return Outcome.of(false, "stack " + c.stack() + " builds no image (no service has a build: section)", outputs(Map.of()));
        }
        Map<String, String> before = new TreeMap<>();
        built.forEach(s -> before.put(s.name(), imageId(ctx, s.image())));
        List<String> names = built.stream().map(StackDir.ComposeService::name).toList();
        ctx.progress().accept("building " + names + " on this host …");
        ctx.processes().require(argv(compose, c.stack(), "build", names), env, BUILD, ctx.progress());
        ctx.progress().accept("pushing " + built.stream().map(StackDir.ComposeService::image).toList() + " …");
        ctx.processes().require(argv(compose, c.stack(), "push", names), env, BUILD, ctx.progress());
        Map<String, String> images = new TreeMap<>();
        ObjectNode record = Json.object().put("inputs", inputsHash(c));
        ObjectNode recorded = record.putObject("images");
        List<String> diff = new ArrayList<>();
        for (StackDir.ComposeService s : built) {
            String id = imageId(ctx, s.image());
            images.put(s.name(), s.image());
            recorded.putObject(s.name()).put("image", s.image()).put("id", id);
            if (!id.equals(before.get(s.name()))) {
                diff.add("+ " + s.image() + " " + shortId(id) + (before.get(s.name()).isEmpty() ? "" : " (was " + shortId(before.get(s.name())) + ")"));
            }
        }
        try {
            Files.writeString(StackDir.dir(ctx, c.stack()).resolve(RECORD), Json.write(record), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ExecutorException("recording the build of stack " + c.stack() + ": " + e.getMessage(), true, e);
        }
        return Outcome.of(!diff.isEmpty(), diff.isEmpty() ? "images of stack " + c.stack() + " unchanged, pushed: " + images.values()
                : String.join("\n", diff) + "\npushed", outputs(images));
    }

    private static List<String> argv(Path compose, String stack, String verb, List<String> services) {
        List<String> argv = new ArrayList<>(List.of("docker-compose", "-f", compose.toString(), "-p", stack, verb));
        argv.addAll(services);
        return argv;
    }

    /** The image's id on this host, or "" when it has none. */
    static String imageId(StepContext ctx, String image) {
        var r = ctx.processes().run(List.of("docker", "image", "inspect", "--format", "{{.Id}}", image), StackDir.QUICK, null);
        return r.ok() ? r.output().strip() : "";
    }

    private static String shortId(String id) {
        return id.startsWith("sha256:") && id.length() > 19 ? id.substring(7, 19) : id;
    }

    private static ObjectNode outputs(Map<String, String> images) {
        ObjectNode o = Json.object();
        o.set("images", Json.tree(images));
        return o;
    }

    /** A hash of what a build depends on here: the files, the compose file's name, the variables. */
    static String inputsHash(BuildStack c) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(Json.write(new TreeMap<>(c.files())).getBytes(StandardCharsets.UTF_8));
            md.update(c.compose().getBytes(StandardCharsets.UTF_8));
            md.update(Json.write(new TreeMap<>(c.env() == null ? Map.of() : c.env())).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
