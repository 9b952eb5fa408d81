package io.labforge.agent.executor.registry;

import io.labforge.agent.exec.Apt;
import io.labforge.agent.exec.Files2;
import io.labforge.agent.executor.tls.TlsPaths;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.registry.EnsureRegistry;
import io.labforge.common.lab.registry.RestoreRegistry;
import io.labforge.common.messaging.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * R19: Labforge's own registry — Debian's {@code docker-registry} (distribution 2.8) with its own
 * configuration: TLS from the lab's CA, no authentication (its default turns htpasswd on: see
 * MACHINE.md). Restarted only when the configuration changed; ready when its port answers.
 */
public final class RegistryExecutor implements Executor<EnsureRegistry> {
    static final String CONFIG = "/etc/docker/registry/config.yml";
    static final String BINARY = "/usr/bin/docker-registry";

    @Override
    public Class<EnsureRegistry> commandType() {
        return EnsureRegistry.class;
    }

    static String config(EnsureRegistry c) {
        TlsPaths.dir(c.tlsDir()); // only a directory under /etc/, nothing to escape in YAML
        return "# written by Labforge: the lab's registry (R19)\n"
                + "version: 0.1\n"
                + "log:\n  level: info\n"
                + "storage:\n  filesystem:\n    rootdirectory: /var/lib/docker-registry\n  delete:\n    enabled: true\n"
                + "http:\n  addr: :" + c.port() + "\n"
                + "  tls:\n    certificate: " + c.tlsDir() + "/cert.pem\n    key: " + c.tlsDir() + "/key.pem\n";
    }

    @Override
    public Outcome check(EnsureRegistry c, StepContext ctx) {
        Optional<String> current = Files2.read(ctx.root().path(CONFIG));
        String wanted = config(c);
        boolean installed = Files.isExecutable(ctx.root().path(BINARY)) || !ctx.root().isReal() && Files.exists(ctx.root().path(BINARY));
        boolean same = current.isPresent() && current.get().equals(wanted);
        String diff = (installed ? "" : "+ install docker-registry from the distribution\n")
                + (same ? "registry configuration as the lab says" : "~ " + CONFIG + ": TLS on port " + c.port() + ", no authentication");
        return Outcome.of(!installed || !same, diff.strip(), outputs(current));
    }

    @Override
    public Outcome apply(EnsureRegistry c, StepContext ctx) {
        if (!ctx.root().isReal()) {
            throw ExecutorException.refused("a registry needs the real host; this agent runs with the test root " + ctx.root().dir());
        }
        boolean installed = Files.isExecutable(Path.of(BINARY));
        if (!installed) {
            Apt.install("docker-registry", "the registry", ctx);
        }
        Optional<String> current = Files2.read(ctx.root().path(CONFIG));
        String wanted = config(c);
        boolean changed = current.isEmpty() || !current.get().equals(wanted);
        boolean wasEnabled = Apt.systemd() && ctx.processes().run(List.of("systemctl", "is-enabled", "--quiet", "docker-registry"),
                Duration.ofSeconds(30), null).ok();
        boolean wasActive = Apt.systemd() && ctx.processes().run(List.of("systemctl", "is-active", "--quiet", "docker-registry"),
                Duration.ofSeconds(30), null).ok();
        if (changed) {
            Files2.write(ctx.root().path(CONFIG), wanted);
        }
        // Debian runs the registry as the user docker-registry: it must read the key (kept 600 by root)
        String key = c.tlsDir() + "/key.pem";
        if (!ctx.processes().run(List.of("test", "-r", key), Duration.ofSeconds(10), null).ok()) {
            throw new ExecutorException(key + " is missing: the registry's TLS key step must run first", true);
        }
        if (!ctx.processes().run(List.of("id", "docker-registry"), Duration.ofSeconds(10), null).ok()) {
            throw ExecutorException.refused("the package docker-registry made no user docker-registry: reinstall it, then resume");
        }
        ctx.processes().require(List.of("chgrp", "docker-registry", key), Duration.ofSeconds(10), null);
        ctx.processes().require(List.of("chmod", "0640", key), Duration.ofSeconds(10), null);
        if (Apt.systemd()) {
            ctx.processes().require(List.of("systemctl", "enable", "docker-registry"), Duration.ofMinutes(1), ctx.progress());
            if (changed || !installed || !wasActive) {
                ctx.processes().require(List.of("systemctl", "restart", "docker-registry"), Duration.ofMinutes(2), ctx.progress());
            }
        } else {
            throw ExecutorException.refused("the registry runs as a systemd service and this host has no systemd");
        }
        awaitPort(c.port());
        Outcome o = Outcome.of(changed || !installed, (installed ? "" : "+ docker-registry installed\n")
                + (changed ? "~ " + CONFIG + " written, docker-registry restarted" : "registry configuration as the lab says"),
                outputs(current).put("wasEnabled", wasEnabled).put("wasActive", wasActive));
        return new Outcome(o.changed() || !wasActive, o.diff().strip(), o.outputs(), List.of());
    }

    private static ObjectNode outputs(Optional<String> previous) {
        return Json.object().put("previousConfig", previous.orElse(null)).put("existed", previous.isPresent());
    }

    static void awaitPort(int port) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                ExecutorException.pause(300);
            }
        }
        throw new ExecutorException("the registry does not answer on port " + port + " after 30s: see journalctl -u docker-registry", true);
    }

    /** Undoes {@link RegistryExecutor}: the previous configuration, or none and the service stopped. */
    public static final class Restore implements Executor<RestoreRegistry> {
        @Override
        public Class<RestoreRegistry> commandType() {
            return RestoreRegistry.class;
        }

        @Override
        public Outcome check(RestoreRegistry c, StepContext ctx) {
            Optional<String> current = Files2.read(ctx.root().path(CONFIG));
            boolean same = c.existed() ? current.isPresent() && current.get().equals(c.previousConfig()) : current.isEmpty();
            boolean active = ctx.root().isReal() && Apt.systemd() && ctx.processes().run(List.of("systemctl", "is-active", "--quiet",
                    "docker-registry"), Duration.ofSeconds(30), null).ok();
            return same && active == c.wasActive() ? Outcome.unchanged("registry configuration and service as they were")
                    : Outcome.of(true, "~ " + CONFIG + " and the service as they were", Json.object());
        }

        @Override
        public Outcome apply(RestoreRegistry c, StepContext ctx) {
            Outcome check = check(c, ctx);
            if (!check.changed()) {
                return check;
            }
            if (c.existed()) {
                Files2.write(ctx.root().path(CONFIG), c.previousConfig());
            } else {
                Files2.delete(ctx.root().path(CONFIG));
            }
            if (ctx.root().isReal() && Apt.systemd()) {
                ctx.processes().require(List.of("systemctl", c.wasEnabled() ? "enable" : "disable", "docker-registry"),
                        Duration.ofMinutes(1), ctx.progress());
                ctx.processes().require(List.of("systemctl", c.wasActive() ? "restart" : "stop", "docker-registry"),
                        Duration.ofMinutes(2), ctx.progress());
            }
            return Outcome.of(true, "~ registry configuration as it was; service " + (c.wasActive() ? "running" : "stopped")
                    + (c.wasEnabled() ? ", enabled" : ", disabled"), Json.object());
        }
    }
}
