package io.labforge.agent.executor.swarm;

import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.swarm.DeployStack;
import io.labforge.common.messaging.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * R20: {@code docker stack deploy} on a manager — the Docker CLI's own reading of the compose file
 * (the Engine API has no stacks: the CLI turns them into services, networks and labels) — then
 * awaited until every service of the stack runs its replicas, with progress. The step changed
 * something when a service's spec differs from before.
 */
public final class DeployStackExecutor implements Executor<DeployStack> {
    static final Duration CONVERGE = Duration.ofMinutes(5);
    static final String NAMESPACE = "com.docker.stack.namespace";

    @Override
    public Class<DeployStack> commandType() {
        return DeployStack.class;
    }

    @Override
    public Outcome check(DeployStack c, StepContext ctx) {
        StackDir.requireRealHost(ctx);
        Map<String, JsonNode> have = specs(ctx, c.stack());
        List<StackDir.ComposeService> want;
        Path scratch = null;
        try {
            // a plan changes nothing on the host: the files are read from a scratch directory
            scratch = Files.createTempDirectory("labforge-stack-");
            want = StackDir.services(ctx, StackDir.writeTo(scratch, c.stack(), c.files(), c.compose()), c.stack(), env(c));
        } catch (IOException e) {
            throw new ExecutorException("a scratch directory for the stack's files: " + e.getMessage(), true, e);
        } finally {
            try {
                StackDir.delete(scratch);
            } catch (IOException | RuntimeException e) {
                // a temporary directory left behind
            }
        }
        List<String> diff = new ArrayList<>();
        for (StackDir.ComposeService s : want) {
            JsonNode spec = have.get(c.stack() + "_" + s.name());
            if (spec == null) {
                diff.add("+ service " + c.stack() + "_" + s.name() + " (" + s.image() + ")");
                continue;
            }
            String image = spec.path("Labels").path("com.docker.stack.image").asString("");
            if (!image.equals(s.image())) {
                diff.add("~ " + c.stack() + "_" + s.name() + " image " + image + " → " + s.image());
            }
            int replicas = spec.path("Mode").path("Replicated").path("Replicas").asInt(-1);
            if (s.replicas() != null && replicas != s.replicas()) {
                diff.add("~ " + c.stack() + "_" + s.name() + " replicas " + replicas + " → " + s.replicas());
            }
        }
        return Outcome.of(!diff.isEmpty(), diff.isEmpty() ? "stack " + c.stack() + " deployed as the compose file says"
                : String.join("\n", diff), Json.object().put("created", false));
    }

    @Override
    public Outcome apply(DeployStack c, StepContext ctx) {
        StackDir.requireRealHost(ctx);
        Map<String, JsonNode> before = specs(ctx, c.stack());
        Path compose = StackDir.write(ctx, c.stack(), "deploy", c.files(), c.compose());
        ctx.progress().accept("docker stack deploy " + c.stack() + " …");
        ctx.processes().require(List.of("docker", "stack", "deploy", "--compose-file", compose.toString(), "--prune", c.stack()),
                env(c), StackDir.QUICK, ctx.progress());
        Map<String, String> replicas = await(ctx, c.stack());
        Map<String, JsonNode> after = specs(ctx, c.stack());
        List<String> diff = new ArrayList<>();
        after.forEach((name, spec) -> {
            if (!before.containsKey(name)) {
                diff.add("+ service " + name + " " + replicas.get(name));
            } else if (!before.get(name).equals(spec)) {
                diff.add("~ service " + name + " " + replicas.get(name));
            }
        });
        before.keySet().stream().filter(n -> !after.containsKey(n)).forEach(n -> diff.add("- service " + n));
        ObjectNode out = Json.object().put("created", before.isEmpty());
        ArrayNode services = out.putArray("services");
        replicas.forEach((name, r) -> services.addObject().put("name", name).put("replicas", r));
        return Outcome.of(!diff.isEmpty(), diff.isEmpty() ? "stack " + c.stack() + " as the compose file says: " + replicas
                : String.join("\n", diff), out);
    }

    /** Waits until each service of the stack runs as many tasks as it asks for; returns "running/desired" per service. */
    static Map<String, String> await(StepContext ctx, String stack) {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        String last = "";
        while (true) {
            Map<String, String> replicas = new TreeMap<>();
            boolean converged = true;
            for (String line : ctx.processes().query(List.of("docker", "stack", "services", stack, "--format", "{{.Name}} {{.Replicas}}"),
                    StackDir.QUICK).lines().filter(l -> !l.isBlank()).toList()) {
                String[] f = line.trim().split("\\s+", 2);
                String counts = f.length > 1 ? f[1].split(" ")[0] : "";
                replicas.put(f[0], counts);
                String[] rd = counts.split("/");
                converged &= rd.length == 2 && rd[0].equals(rd[1]);
            }
            if (converged && !replicas.isEmpty()) {
                return replicas;
            }
            if (!replicas.toString().equals(last)) {
                last = replicas.toString();
                ctx.progress().accept("running/desired: " + last);
            }
            if (System.nanoTime() > deadline) {
                throw new ExecutorException("stack " + stack + " did not converge within " + CONVERGE.toMinutes() + " min: " + last
                        + " (docker stack ps " + stack + " --no-trunc shows why)", true);
            }
            ExecutorException.pause(1000);
        }
    }

    /** The specs of the stack's services, by name (empty: no such stack). */
    static Map<String, JsonNode> specs(StepContext ctx, String stack) {
        List<String> ids = ctx.processes().query(List.of("docker", "service", "ls", "--quiet", "--filter", "label=" + NAMESPACE + "=" + stack),
                StackDir.QUICK).lines().filter(l -> !l.isBlank()).toList();
        Map<String, JsonNode> specs = new TreeMap<>();
        if (ids.isEmpty()) {
            return specs;
        }
        List<String> argv = new ArrayList<>(List.of("docker", "service", "inspect"));
        argv.addAll(ids);
        for (JsonNode s : Json.read(ctx.processes().query(argv, StackDir.QUICK))) {
            specs.put(s.path("Spec").path("Name").asString(), s.path("Spec"));
        }
        return specs;
    }

    private static Map<String, String> env(DeployStack c) {
        return c.env() == null ? Map.of() : c.env();
    }

}
