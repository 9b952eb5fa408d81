package io.labforge.orchestrator.planner;

import io.labforge.common.agent.AgentCommand;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.Lab.Host;
import io.labforge.common.lab.PortRange;
import io.labforge.common.messaging.Json;
import io.labforge.common.messaging.MessageTypes;
import io.labforge.orchestrator.planner.StepSpec.Compensation;
import io.labforge.orchestrator.planner.StepSpec.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a lab into its plan. Per host a chain — hostname, firewall, Docker installed, registries
 * trusted, then the daemon's settings (the firewall first: starting or reloading firewalld flushes
 * Docker's iptables rules, see MACHINE.md) —
 * and one cross-host edge set: each host's {@code /etc/hosts} waits for every host's hostname step
 * and lists the names those steps report (R1).
 */
public final class Planner {
    static final Duration SHORT = Duration.ofMinutes(2);
    static final Duration DOCKER = Duration.ofMinutes(5);

    public Plan plan(Lab lab) {
        List<StepSpec> steps = new ArrayList<>();
        List<StepId> allHostnames = new ArrayList<>();
        for (Host h : lab.hosts()) {
            allHostnames.add(hostnameStep(h));
        }
        for (Host h : lab.hosts()) {
            StepId hostname = hostnameStep(h);
            ObjectNode in = Json.object().put("hostname", h.name());
            if (lab.domain() != null) {
                in.put("domain", lab.domain());
            }
            steps.add(new StepSpec(hostname, type(AgentCommand.SetHostname.class), h.name(), in, List.of(), SHORT,
                    RetryPolicy.DEFAULT, new Compensation(type(AgentCommand.RestoreHostname.class),
                            Json.object().set("hostname", Refs.self("previousHostname")))));

            ArrayNode entries = Json.MAPPER.createArrayNode();
            for (Host peer : lab.hosts()) {
                ObjectNode e = entries.addObject();
                e.put("address", peer.address());
                ArrayNode names = e.putArray("names");
                names.add(Refs.ref(hostnameStep(peer).value(), "fqdn"));
                if (lab.domain() != null) {
                    names.add(Refs.ref(hostnameStep(peer).value(), "hostname"));
                }
            }
            steps.add(new StepSpec(StepId.of("hosts-file@" + h.name()), type(AgentCommand.EnsureHostsEntries.class),
                    h.name(), (ObjectNode) Json.object().set("entries", entries), List.copyOf(allHostnames), SHORT,
                    RetryPolicy.DEFAULT, new Compensation(type(AgentCommand.RestoreHostsEntries.class),
                            Json.object().set("previousBlock", Refs.self("previousBlock")))));

            StepId last = hostname;
            Lab.FirewallSpec fw = lab.firewallOf(h);
            if (!fw.isEmpty()) {
                StepId id = StepId.of("firewall@" + h.name());
                ObjectNode f = Json.object();
                f.put("zone", fw.zone() == null ? "public" : fw.zone());
                ArrayNode ports = f.putArray("ports");
                fw.ports().stream().map(PortRange::toString).forEach(ports::add);
                ArrayNode services = f.putArray("services");
                fw.services().forEach(services::add);
                ObjectNode undo = Json.object();
                undo.put("zone", f.get("zone").asString());
                undo.set("ports", Refs.self("addedPorts"));
                undo.set("services", Refs.self("addedServices"));
                steps.add(new StepSpec(id, type(AgentCommand.OpenFirewallPorts.class), h.name(), f, List.of(last), SHORT,
                        RetryPolicy.DEFAULT, new Compensation(type(AgentCommand.CloseFirewallPorts.class), undo)));
                last = id;
            }
            Lab.DockerSpec docker = lab.dockerOf(h);
            List<Lab.RegistryTrust> trust = lab.registryTrustOf(h);
            if (!docker.isEmpty() || !trust.isEmpty()) {
                StepId id = StepId.of("docker-install@" + h.name());
                steps.add(new StepSpec(id, type(AgentCommand.EnsureDockerInstalled.class), h.name(), Json.object(),
                        List.of(last), Duration.ofMinutes(20), RetryPolicy.DEFAULT, null));
                last = id;
            }
            if (!trust.isEmpty()) {
                StepId id = StepId.of("registry-trust@" + h.name());
                ObjectNode t = Json.object();
                t.set("registries", Json.tree(trust.stream()
                        .map(r -> new AgentCommand.RegistryCa(r.registry(), r.caPem())).toList()));
                steps.add(new StepSpec(id, type(AgentCommand.TrustRegistries.class), h.name(), t, List.of(last), SHORT,
                        RetryPolicy.DEFAULT, new Compensation(type(AgentCommand.RestoreRegistryTrust.class),
                                (ObjectNode) Json.object().set("previous", Refs.self("previous")))));
                last = id;
            }
            if (!docker.isEmpty()) {
                StepId id = StepId.of("docker-daemon@" + h.name());
                ObjectNode d = Json.object();
                d.set("settings", Json.tree(docker.daemonJson()));
                ObjectNode undo = Json.object();
                undo.set("previousContent", Refs.self("previousContent"));
                undo.set("existed", Refs.self("existed"));
                steps.add(new StepSpec(id, type(AgentCommand.ConfigureDockerDaemon.class), h.name(), d, List.of(last),
                        DOCKER, RetryPolicy.DEFAULT,
                        new Compensation(type(AgentCommand.RestoreDockerDaemon.class), undo)));
            }
        }
        return Plan.of(steps);
    }

    static StepId hostnameStep(Host h) {
        return StepId.of("hostname@" + h.name());
    }

    static String type(Class<?> command) {
        return MessageTypes.of(command).name();
    }
}
