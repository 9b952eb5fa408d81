package io.labforge.cluster.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.EndpointResolutionMode;
import com.github.dockerjava.api.model.EndpointSpec;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.PortConfigProtocol;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServicePlacement;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.TaskState;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.swarm.EnsureService;
import io.labforge.common.lab.swarm.PublishedPort;
import io.labforge.common.lab.swarm.RemoveService;
import io.labforge.common.lab.swarm.ScaleService;
import io.labforge.common.lab.swarm.SwarmService;
import io.labforge.common.messaging.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * R18: a replicated service from the lab file, through the Engine API of a manager: created, or
 * updated where it differs (image, replicas, constraints, ports, labels, command), then awaited until
 * as many tasks run as the lab asks (the saga's step shows the service converged).
 */
public final class ServiceExecutor implements Executor<EnsureService> {
    static final Duration CONVERGE = Duration.ofMinutes(3);
    private final Managers managers;

    public ServiceExecutor(Managers managers) {
        this.managers = managers;
    }

    @Override
    public Class<EnsureService> commandType() {
        return EnsureService.class;
    }

    static final String CONFIG_LABEL = "io.labforge.service";

    /**
     * The Swarm config that carries one of a service's files: named after the service and a hash of
     * path and content (configs cannot change: new content is a new config).
     */
    static String configName(String service, String target, String content) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            md.update(target.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return service + "-" + java.util.HexFormat.of().formatHex(md.digest()).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static ServiceSpec spec(SwarmService s) {
        return spec(s, Map.of());
    }

    /** The spec for the Engine API; {@code configIds}: config name → id, for the service's files. */
    static ServiceSpec spec(SwarmService s, Map<String, String> configIds) {
        List<PortConfig> ports = new ArrayList<>();
        for (String p : s.ports() == null ? List.<String>of() : s.ports()) {
            PublishedPort port;
            try {
                port = PublishedPort.parse(p);
            } catch (IllegalArgumentException e) {
                throw ExecutorException.refused("port of service " + s.name() + ": " + e.getMessage());
            }
            ports.add(new PortConfig().withPublishedPort(port.published()).withTargetPort(port.target())
                    .withProtocol("udp".equals(port.protocol()) ? PortConfigProtocol.UDP : PortConfigProtocol.TCP)
                    .withPublishMode("host".equals(s.publishMode()) ? PortConfig.PublishMode.host : PortConfig.PublishMode.ingress));
        }
        ContainerSpec container = new ContainerSpec().withImage(s.image());
        if (s.command() != null && !s.command().isEmpty()) {
            container = container.withCommand(s.command());
        }
        if (s.files() != null && !s.files().isEmpty()) {
            List<com.github.dockerjava.api.model.ContainerSpecConfig> configs = new ArrayList<>();
            new java.util.TreeMap<>(s.files()).forEach((target, content) -> {
                String name = configName(s.name(), target, content);
                configs.add(new com.github.dockerjava.api.model.ContainerSpecConfig().withConfigName(name).withConfigID(configIds.get(name))
                        .withFile(new com.github.dockerjava.api.model.ContainerSpecFile().withName(target).withUid("0").withGid("0")
                                .withMode(0444L)));
            });
            container = container.withConfigs(configs);
        }
        return new ServiceSpec().withName(s.name()).withLabels(s.labels() == null ? Map.of() : s.labels())
                .withTaskTemplate(new TaskSpec().withContainerSpec(container)
                        .withPlacement(new ServicePlacement().withConstraints(s.constraints() == null ? List.of() : s.constraints())))
                .withMode(new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions().withReplicas(s.replicas())))
                .withEndpointSpec(new EndpointSpec().withMode("dnsrr".equals(s.endpointMode()) ? EndpointResolutionMode.DNSRR
                        : EndpointResolutionMode.VIP).withPorts(ports));
    }

    /** What differs between the running service and the lab's, in readable lines (empty: nothing). */
    static List<String> differences(ServiceSpec have, ServiceSpec want) {
        List<String> d = new ArrayList<>();
        ContainerSpec hc = have.getTaskTemplate().getContainerSpec();
        ContainerSpec wc = want.getTaskTemplate().getContainerSpec();
        // the manager pins the image to a digest (image:tag@sha256:…): compare what the lab named
        String haveImage = hc.getImage() == null ? "" : hc.getImage().split("@")[0];
        if (!haveImage.equals(wc.getImage())) {
            d.add("~ image " + haveImage + " → " + wc.getImage());
        }
        long haveReplicas = have.getMode() != null && have.getMode().getReplicated() != null ? have.getMode().getReplicated().getReplicas() : -1;
        if (haveReplicas != want.getMode().getReplicated().getReplicas()) {
            d.add("~ replicas " + haveReplicas + " → " + want.getMode().getReplicated().getReplicas());
        }
        List<String> hcons = have.getTaskTemplate().getPlacement() == null || have.getTaskTemplate().getPlacement().getConstraints() == null
                ? List.of() : have.getTaskTemplate().getPlacement().getConstraints();
        if (!hcons.equals(want.getTaskTemplate().getPlacement().getConstraints())) {
            d.add("~ constraints " + hcons + " → " + want.getTaskTemplate().getPlacement().getConstraints());
        }
        Map<String, String> hl = have.getLabels() == null ? Map.of() : have.getLabels();
        if (!hl.equals(want.getLabels())) {
            d.add("~ labels " + hl + " → " + want.getLabels());
        }
        List<String> hcmd = hc.getCommand() == null ? List.of() : hc.getCommand();
        List<String> wcmd = wc.getCommand() == null ? List.of() : wc.getCommand();
        if (!hcmd.equals(wcmd)) {
            d.add("~ command " + hcmd + " → " + wcmd);
        }
        if (!ports(have).equals(ports(want))) {
            d.add("~ ports " + ports(have) + " → " + ports(want));
        }
        if (!configs(hc).equals(configs(wc))) {
            d.add("~ files " + configs(hc) + " → " + configs(wc));
        }
        return d;
    }

    private static List<String> configs(ContainerSpec c) {
        return c.getConfigs() == null ? List.of() : c.getConfigs().stream()
                .map(x -> (x.getFile() == null ? "" : x.getFile().getName()) + "=" + x.getConfigName()).sorted().toList();
    }

    /** Creates the configs of the service's files that do not exist yet; returns every one's id by name. */
    static Map<String, String> ensureConfigs(DockerClient dc, SwarmService s) {
        Map<String, String> ids = new java.util.HashMap<>();
        if (s.files() == null || s.files().isEmpty()) {
            return ids;
        }
        dc.listConfigsCmd().withFilters(Map.of("label", List.of(CONFIG_LABEL + "=" + s.name()))).exec()
                .forEach(c -> ids.put(c.getSpec().getName(), c.getId()));
        s.files().forEach((target, content) -> {
            String name = configName(s.name(), target, content);
            if (!ids.containsKey(name)) {
                ids.put(name, dc.createConfigCmd().withName(name).withData(content.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .withLabels(Map.of(CONFIG_LABEL, s.name())).exec().getId());
            }
        });
        return ids;
    }

    /** Removes the service's configs other than {@code keep} (those of an earlier content, or all once it is gone). */
    static void pruneConfigs(DockerClient dc, String service, java.util.Set<String> keep) {
        for (com.github.dockerjava.api.model.Config c : dc.listConfigsCmd()
                .withFilters(Map.of("label", List.of(CONFIG_LABEL + "=" + service))).exec()) {
            if (!keep.contains(c.getSpec().getName())) {
                try {
                    dc.removeConfigCmd(c.getId()).exec();
                } catch (com.github.dockerjava.api.exception.DockerException e) {
                    // still used by a task that is stopping: it goes with the next change
                }
            }
        }
    }

    private static java.util.Set<String> configNames(SwarmService s) {
        java.util.Set<String> names = new java.util.HashSet<>();
        if (s.files() != null) {
            s.files().forEach((target, content) -> names.add(configName(s.name(), target, content)));
        }
        return names;
    }

    private static List<String> ports(ServiceSpec s) {
        if (s.getEndpointSpec() == null || s.getEndpointSpec().getPorts() == null) {
            return List.of();
        }
        return s.getEndpointSpec().getPorts().stream().map(p -> p.getPublishedPort() + ":" + p.getTargetPort() + "/"
                + p.getProtocol() + "/" + p.getPublishMode()).sorted().toList();
    }

    static Optional<Service> find(DockerClient dc, String name) {
        return dc.listServicesCmd().withNameFilter(List.of(name)).exec().stream()
                .filter(s -> s.getSpec() != null && name.equals(s.getSpec().getName())).findFirst();
    }

    @Override
    public Outcome check(EnsureService c, StepContext ctx) {
        ServiceSpec want = spec(c.service());
        return managers.call(c.lab(), c.manager(), dc -> {
            Optional<Service> have = find(dc, c.service().name());
            if (have.isEmpty()) {
                return Outcome.of(true, "+ service " + c.service().name() + " (" + c.service().image() + " × " + c.service().replicas() + ")",
                        Json.object().put("created", false));
            }
            List<String> d = differences(have.get().getSpec(), want);
            return Outcome.of(!d.isEmpty(), d.isEmpty() ? "service " + c.service().name() + " as the lab says" : String.join("\n", d),
                    Json.object().put("created", false).put("serviceId", have.get().getId()));
        });
    }

    @Override
    public Outcome apply(EnsureService c, StepContext ctx) {
        try {
            return managers.call(c.lab(), c.manager(), dc -> converge(c, ctx, dc));
        } catch (com.github.dockerjava.api.exception.DockerException e) {
            throw new ExecutorException("the manager " + c.manager() + " refused: " + e.getMessage(), true, e);
        }
    }

    /** Creates or updates the service to match, then waits until its tasks run. */
    private static Outcome converge(EnsureService c, StepContext ctx, DockerClient dc) {
        ServiceSpec want = spec(c.service(), ensureConfigs(dc, c.service()));
        Optional<Service> have = find(dc, c.service().name());
        boolean created = have.isEmpty();
        String id;
        List<String> d;
        if (created) {
            id = dc.createServiceCmd(want).exec().getId();
            d = List.of("+ service " + c.service().name() + " (" + c.service().image() + " × " + c.service().replicas() + ")");
        } else {
            id = have.get().getId();
            d = differences(have.get().getSpec(), want);
            if (!d.isEmpty()) {
                dc.updateServiceCmd(id, want).withVersion(have.get().getVersion().getIndex()).exec();
            }
        }
        long running = awaitConverged(dc, c.service().name(), c.service().replicas(), ctx);
        pruneConfigs(dc, c.service().name(), configNames(c.service()));
        return Outcome.of(created || !d.isEmpty(), (d.isEmpty() ? "service " + c.service().name() + " as the lab says"
                : String.join("\n", d)) + "\n" + running + "/" + c.service().replicas() + " tasks running",
                Json.object().put("created", created).put("serviceId", id).put("running", running));
    }

    /** Waits until as many tasks of the service run as it asks for; says how many, as progress. */
    static long awaitConverged(DockerClient dc, String name, int replicas, StepContext ctx) {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        long last = -1;
        while (true) {
            long running = running(dc, name);
            if (running != last) {
                ctx.progress().accept(name + ": " + (running < 0 ? "tasks being stopped" : running + "/" + replicas + " tasks running"));
                last = running;
            }
            if (running == replicas) {
                return running;
            }
            if (System.nanoTime() > deadline) {
                throw new ExecutorException("service " + name + " has " + (running < 0 ? "tasks still stopping" : running + " of " + replicas
                        + " tasks running") + " after "
                        + CONVERGE.toSeconds() + "s: docker service ps " + name + " on a manager says why", true);
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ExecutorException("interrupted", true, e);
            }
        }
    }

    /**
     * The tasks of a service that run and are meant to, on nodes that are up; while tasks that are
     * being shut down (scale down, drain) still run, the service has not converged: -1.
     */
    static long running(DockerClient dc, String name) {
        // a node that is down reports nothing: its tasks keep their last state; they do not run
        java.util.Set<String> down = new java.util.HashSet<>();
        dc.listSwarmNodesCmd().exec().forEach(n -> {
            if (n.getStatus() == null || n.getStatus().getState() != com.github.dockerjava.api.model.SwarmNodeState.READY) {
                down.add(n.getId());
            }
        });
        List<Task> tasks = dc.listTasksCmd().withServiceFilter(name).exec();
        List<Task> up = tasks.stream().filter(t -> t.getStatus() != null && t.getStatus().getState() == TaskState.RUNNING
                && !down.contains(t.getNodeId())).toList();
        long wanted = up.stream().filter(t -> t.getDesiredState() == TaskState.RUNNING).count();
        return wanted == up.size() ? wanted : -1;
    }

    /** {@link ScaleService}: the replicas alone, awaited until they run. */
    public static final class Scale implements Executor<ScaleService> {
        private final Managers managers;

        public Scale(Managers managers) {
            this.managers = managers;
        }

        @Override
        public Class<ScaleService> commandType() {
            return ScaleService.class;
        }

        @Override
        public Outcome check(ScaleService c, StepContext ctx) {
            return run(c, ctx, false);
        }

        @Override
        public Outcome apply(ScaleService c, StepContext ctx) {
            return run(c, ctx, true);
        }

        private Outcome run(ScaleService c, StepContext ctx, boolean apply) {
            if (c.replicas() < 0 || c.replicas() > 1000) {
                throw ExecutorException.refused(c.replicas() + " replicas: give 0 to 1000");
            }
            return managers.call(c.lab(), c.manager(), dc -> {
                Service s = find(dc, c.name()).orElseThrow(() -> ExecutorException.refused("the swarm has no service " + c.name()
                        + ": create it from the lab file first"));
                ServiceSpec spec = s.getSpec();
                if (spec.getMode() == null || spec.getMode().getReplicated() == null) {
                    throw ExecutorException.refused("service " + c.name() + " is global, not replicated: it cannot be scaled");
                }
                long previous = spec.getMode().getReplicated().getReplicas();
                var out = Json.object().put("previous", previous);
                if (previous == c.replicas()) {
                    return Outcome.of(false, c.name() + " has " + previous + " replicas", out.put("running", running(dc, c.name())));
                }
                if (!apply) {
                    return Outcome.of(true, "~ " + c.name() + " replicas " + previous + " → " + c.replicas(), out);
                }
                spec.getMode().getReplicated().withReplicas(c.replicas());
                dc.updateServiceCmd(s.getId(), spec).withVersion(s.getVersion().getIndex()).exec();
                long running = awaitConverged(dc, c.name(), c.replicas(), ctx);
                return Outcome.of(true, "~ " + c.name() + " replicas " + previous + " → " + c.replicas() + "; " + running + " running",
                        out.put("running", running));
            });
        }
    }

    /** Waits (a little) until a removed service's tasks are gone, so its configs can go too. */
    static void awaitGone(DockerClient dc, String name) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try {
            while (!dc.listTasksCmd().withServiceFilter(name).exec().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
        } catch (com.github.dockerjava.api.exception.DockerException e) {
            // the manager no longer knows the service's name: its tasks are gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@link RemoveService}: only a service the step created, and its configs. */
    public static final class Remove implements Executor<RemoveService> {
        private final Managers managers;

        public Remove(Managers managers) {
            this.managers = managers;
        }

        @Override
        public Class<RemoveService> commandType() {
            return RemoveService.class;
        }

        @Override
        public Outcome check(RemoveService c, StepContext ctx) {
            return run(c, false);
        }

        @Override
        public Outcome apply(RemoveService c, StepContext ctx) {
            return run(c, true);
        }

        private Outcome run(RemoveService c, boolean apply) {
            if (!c.created()) {
                return Outcome.unchanged("service " + c.name() + " was not created by this lab: kept");
            }
            return managers.call(c.lab(), c.manager(), dc -> {
                Optional<Service> have = find(dc, c.name());
                if (have.isEmpty()) {
                    return Outcome.unchanged("service " + c.name() + " is gone");
                }
                if (apply) {
                    dc.removeServiceCmd(have.get().getId()).exec();
                    awaitGone(dc, c.name());
                    pruneConfigs(dc, c.name(), java.util.Set.of());
                }
                return Outcome.of(true, "- service " + c.name(), Json.object());
            });
        }
    }
}
