package io.labforge.agent.executor.swarm;

import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.StepContext;
import java.io.IOException;
import io.labforge.common.lab.swarm.SwarmSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A stack's files on the host ({@code /var/lib/labforge/stacks/<stack>/build|deploy}, written afresh
 * for each step) and the compose file as {@code docker-compose config} resolves it with the lab's variables.
 */
final class StackDir {
    static final String BASE = "/var/lib/labforge/stacks";
    static final Duration QUICK = Duration.ofMinutes(2);
    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9._/-]{1,200}");

    /** A service of the resolved compose file: its image, whether it is built here, its replicas. */
    record ComposeService(String name, String image, boolean build, Integer replicas) {
    }

    private StackDir() {
    }

    static void requireRealHost(StepContext ctx) {
        if (!ctx.root().isReal()) {
            throw ExecutorException.refused("a stack needs the real host and its Docker daemon; this agent runs with the test root "
                    + ctx.root().dir());
        }
    }

    static Path dir(StepContext ctx, String stack) {
        if (!SwarmSpec.Stack.isName(stack)) {
            throw ExecutorException.refused("'" + stack + "' is not a stack name");
        }
        return ctx.root().path(BASE + "/" + stack);
    }

    /**
     * Writes the files (and nothing else) into {@code <stack dir>/<purpose>} ({@code build} or
     * {@code deploy}: on a host that does both, one step's files never replace the other's, nor the
     * build record beside them); returns the compose file's path.
     */
    static Path write(StepContext ctx, String stack, String purpose, Map<String, String> files, String compose) {
        return writeTo(dir(ctx, stack).resolve(purpose), stack, files, compose);
    }

    /** Writes the files into {@code dir} (emptied first); returns the compose file's path. */
    static Path writeTo(Path dir, String stack, Map<String, String> files, String compose) {
        try {
            delete(dir);
            Files.createDirectories(dir);
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path p = inside(dir, f.getKey());
                Files.createDirectories(p.getParent());
                Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new ExecutorException("writing the files of stack " + stack + " in " + dir + ": " + e.getMessage(), true, e);
        }
        Path file = inside(dir, compose);
        if (!Files.isRegularFile(file)) {
            throw ExecutorException.refused("the stack's files hold no " + compose);
        }
        return file;
    }

    static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A path of the stack's files, refused when it would leave the stack's directory. */
    static Path inside(Path dir, String relative) {
        Path p = dir.resolve(relative).normalize();
        if (!PATH.matcher(relative).matches() || relative.startsWith("/") || !p.startsWith(dir) || p.equals(dir)) {
            throw ExecutorException.refused("'" + relative + "' is not a path inside the stack's directory");
        }
        return p;
    }

    /** {@code docker-compose config} with the lab's variables, read into the services it defines. */
    static List<ComposeService> services(StepContext ctx, Path compose, String stack, Map<String, String> env) {
        String yaml = ctx.processes().query(List.of("docker-compose", "-f", compose.toString(), "-p", stack, "config"), env, QUICK);
        Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        List<ComposeService> out = new ArrayList<>();
        if (root instanceof Map<?, ?> m && m.get("services") instanceof Map<?, ?> services) {
            for (Map.Entry<?, ?> e : services.entrySet()) {
                Map<?, ?> svc = e.getValue() instanceof Map<?, ?> x ? x : Map.of();
                Integer replicas = null;
                if (svc.get("deploy") instanceof Map<?, ?> deploy && deploy.get("replicas") instanceof Number n) {
                    replicas = n.intValue();
                }
                String image = svc.get("image") == null ? null : svc.get("image").toString();
                boolean build = svc.containsKey("build");
                if (build && image == null) {
                    throw ExecutorException.refused("service " + e.getKey() + " of " + compose.getFileName() + " is built but names no "
                            + "image: give it image: ${REGISTRY}/" + stack + "/" + e.getKey() + " so the nodes can pull it");
                }
                out.add(new ComposeService(e.getKey().toString(), image, build, replicas));
            }
        }
        if (out.isEmpty()) {
            throw ExecutorException.refused(compose.getFileName() + " defines no services");
        }
        return out;
    }
}
