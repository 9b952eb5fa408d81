package io.labforge.agent.executor.docker;

import io.labforge.agent.exec.Files2;
import io.labforge.agent.exec.Services;
import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.docker.ConfigureDockerDaemon;
import io.labforge.common.messaging.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.node.ObjectNode;

/**
 * R4, R15, R19: the keys Labforge manages in {@code /etc/docker/daemon.json}; the other keys of the
 * file are kept. The daemon is restarted only when the file changed, since a restart stops every
 * container on the host.
 */
public final class DockerDaemonExecutor extends DiffingExecutor<ConfigureDockerDaemon> {
    static final String FILE = "/etc/docker/daemon.json";
    /** What the agent agrees to write: a command cannot turn daemon.json into something else. */
    static final Set<String> KEYS = Set.of("data-root", "metrics-addr", "experimental", "insecure-registries", "hosts",
            "tls", "tlsverify", "tlscacert", "tlscert", "tlskey", "bip", "default-address-pools", "registry-mirrors",
            "storage-driver", "log-driver", "log-opts", "live-restore", "exec-opts");

    @Override
    public Class<ConfigureDockerDaemon> commandType() {
        return ConfigureDockerDaemon.class;
    }



    @Override
    protected Outcome run(ConfigureDockerDaemon c, StepContext ctx, boolean apply) {
        for (String k : c.settings().keySet()) {
            if (!KEYS.contains(k)) {
                throw ExecutorException.refused("daemon.json key '" + k + "' is not one Labforge manages");
            }
        }
        Path file = ctx.root().path(FILE);
        Optional<String> before = Files2.read(file);
        ObjectNode current = parse(before);
        ObjectNode next = current.deepCopy();
        StringBuilder diff = new StringBuilder();
        for (Map.Entry<String, JsonNode> e : c.settings().entrySet()) {
            JsonNode old = current.get(e.getKey());
            if (old == null || !Json.canonical(old).equals(Json.canonical(e.getValue()))) {
                if (old != null) {
                    diff.append("- \"").append(e.getKey()).append("\": ").append(Json.canonical(old)).append('\n');
                }
                diff.append("+ \"").append(e.getKey()).append("\": ").append(Json.canonical(e.getValue())).append('\n');
                next.set(e.getKey(), e.getValue());
            }
        }
        boolean changed = diff.length() > 0;
        ObjectNode out = Json.object().put("previousContent", before.orElse("")).put("existed", before.isPresent());
        boolean restarted = false;
        if (changed && apply) {
            Files2.write(file, render(next));
            boolean sockets = dropIn(ctx, next.has("hosts"));
            diff.append(restart(ctx, sockets)).append('\n');
            restarted = true;
        }
        out.put("restarted", restarted);
        return Outcome.of(changed, changed ? diff.toString().strip() : "daemon.json already has these settings", out);
    }

    static final String DROP_IN = "/etc/systemd/system/docker.service.d/labforge-hosts.conf";

    /**
     * Debian's docker.service starts dockerd with {@code -H fd://}; with {@code hosts} in daemon.json
     * too, dockerd refuses to start ("specified both as a flag and in the configuration file"). This
     * drop-in removes the flag while daemon.json has {@code hosts}, and goes away with it.
     */
    /** Writes or removes the unit drop-in that lets daemon.json list the sockets; true when it changed. */
    static boolean dropIn(StepContext ctx, boolean hosts) {
        Path file = ctx.root().path(DROP_IN);
        boolean present = Files.exists(file);
        if (hosts == present) {
            return false;
        }
        if (hosts) {
            Files2.write(file, "# written by Labforge: daemon.json lists the sockets (hosts)\n[Service]\nExecStart=\n"
                    + "ExecStart=/usr/sbin/dockerd --containerd=/run/containerd/containerd.sock $DOCKER_OPTS\n");
        } else {
            Files2.delete(file);
        }
        if (ctx.root().isReal() && Files.isDirectory(Path.of("/run/systemd/system"))) {
            ctx.processes().require(List.of("systemctl", "daemon-reload"), Duration.ofSeconds(60),
                    ctx.progress());
        }
        return true;
    }

    /**
     * Restarts dockerd. When its sockets changed hands (daemon.json's {@code hosts} ↔ systemd's
     * {@code docker.socket}), docker.socket is restarted between stop and start: a dockerd that bound
     * /run/docker.sock itself deletes it when it stops, and the socket unit would go on listening on a
     * file that no longer exists (clients then find no daemon).
     */
    static String restart(StepContext ctx, boolean socketsChanged) {
        if (socketsChanged && ctx.root().isReal() && Files.isDirectory(Path.of("/run/systemd/system"))) {
            Duration t = Duration.ofMinutes(3);
            ctx.processes().require(List.of("systemctl", "stop", "docker.service"), t, ctx.progress());
            ctx.processes().require(List.of("systemctl", "restart", "docker.socket"), t, ctx.progress());
            ctx.processes().require(List.of("systemctl", "start", "docker.service"), t, ctx.progress());
            return "systemctl stop docker, restart docker.socket, start docker (the daemon's sockets changed)";
        }
        return Services.restart("docker", ctx);
    }

    static ObjectNode parse(Optional<String> content) {
        if (content.isEmpty() || content.get().isBlank()) {
            return Json.object();
        }
        try {
            JsonNode n = Json.read(content.get());
            if (n.isObject()) {
                return (ObjectNode) n;
            }
        } catch (JacksonException e) {
            // reported below
        }
        throw ExecutorException.refused(FILE + " is not a JSON object: fix or remove it, then resume");
    }

    static String render(ObjectNode node) {
        return Json.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node) + "\n";
    }
}
