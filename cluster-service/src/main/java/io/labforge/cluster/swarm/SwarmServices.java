package io.labforge.cluster.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Config;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.ContainerSpecConfig;
import com.github.dockerjava.api.model.ContainerSpecFile;
import com.github.dockerjava.api.model.EndpointResolutionMode;
import com.github.dockerjava.api.model.EndpointSpec;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.PortConfigProtocol;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServicePlacement;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.SwarmNodeState;
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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;


/**
 * A service of the lab on a manager's Engine API: the spec the lab's service becomes, what differs from
 * the running one, its files as Swarm configs, and its tasks (converged, gone). Shared by the service
 * executors.
 */
final class SwarmServices {
    static final Duration CONVERGE = Duration.ofMinutes(3);

    private SwarmServices() {
    }

    static final String CONFIG_LABEL = "io.labforge.service";

    /**
     * The Swarm config that carries one of a service's files: named after the service and a hash of
     * path and content (configs cannot change: new content is a new config).
     */
    static String configName(String service, String target, String content) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(target.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(content.getBytes(StandardCharsets.UTF_8));
            return service + "-" + HexFormat.of().formatHex(md.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
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
            List<ContainerSpecConfig> configs = new ArrayList<>();
            new TreeMap<>(s.files()).forEach((target, content) -> {
                String name = configName(s.name(), target, content);
                configs.add(new ContainerSpecConfig().withConfigName(name).withConfigID(configIds.get(name))
                        .withFile(new ContainerSpecFile().withName(target).withUid("0").withGid("0")
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
        Map<String, String> ids = new HashMap<>();
        if (s.files() == null || s.files().isEmpty()) {
            return ids;
        }
        dc.listConfigsCmd().withFilters(Map.of("label", List.of(CONFIG_LABEL + "=" + s.name()))).exec()
                .forEach(c -> ids.put(c.getSpec().getName(), c.getId()));
        s.files().forEach((target, content) -> {
            String name = configName(s.name(), target, content);
            if (!ids.containsKey(name)) {
                ids.put(name, dc.createConfigCmd().withName(name).withData(content.getBytes(StandardCharsets.UTF_8))
                        .withLabels(Map.of(CONFIG_LABEL, s.name())).exec().getId());
            }
        });
        return ids;
    }

    /** Removes the service's configs other than {@code keep} (those of an earlier content, or all once it is gone). */
    static void pruneConfigs(DockerClient dc, String service, Set<String> keep) {
        for (Config c : dc.listConfigsCmd()
                .withFilters(Map.of("label", List.of(CONFIG_LABEL + "=" + service))).exec()) {
            if (!keep.contains(c.getSpec().getName())) {
                try {
                    dc.removeConfigCmd(c.getId()).exec();
                } catch (DockerException e) {
                    // still used by a task that is stopping: it goes with the next change
                }
            }
        }
    }

    static Set<String> configNames(SwarmService s) {
        Set<String> names = new HashSet<>();
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
            ExecutorException.pause(1000);
        }
    }

    /**
     * The tasks of a service that run and are meant to, on nodes that are up; while tasks that are
     * being shut down (scale down, drain) still run, the service has not converged: -1.
     */
    static long running(DockerClient dc, String name) {
        // a node that is down reports nothing: its tasks keep their last state; they do not run
        Set<String> down = new HashSet<>();
        dc.listSwarmNodesCmd().exec().forEach(n -> {
            if (n.getStatus() == null || n.getStatus().getState() != SwarmNodeState.READY) {
                down.add(n.getId());
            }
        });
        List<Task> tasks = dc.listTasksCmd().withServiceFilter(name).exec();
        List<Task> up = tasks.stream().filter(t -> t.getStatus() != null && t.getStatus().getState() == TaskState.RUNNING
                && !down.contains(t.getNodeId())).toList();
        long wanted = up.stream().filter(t -> t.getDesiredState() == TaskState.RUNNING).count();
        return wanted == up.size() ? wanted : -1;
    }

    /** Waits (a little) until a removed service's tasks are gone, so its configs can go too. */
    static void awaitGone(DockerClient dc, String name) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try {
            while (!dc.listTasksCmd().withServiceFilter(name).exec().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
        } catch (DockerException e) {
            // the manager no longer knows the service's name: its tasks are gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
