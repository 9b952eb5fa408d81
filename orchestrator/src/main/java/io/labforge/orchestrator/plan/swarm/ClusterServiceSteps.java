package io.labforge.orchestrator.plan.swarm;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.command.OrchestratorCommand;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.docker.DockerSpec;
import io.labforge.common.lab.swarm.CreateClientKey;
import io.labforge.common.lab.swarm.EnsureService;
import io.labforge.common.lab.swarm.InstallClientCertificate;
import io.labforge.common.lab.swarm.RemoveService;
import io.labforge.common.lab.swarm.SetNodeAvailability;
import io.labforge.common.lab.swarm.SwarmService;
import io.labforge.common.lab.swarm.SwarmSpec;
import io.labforge.common.lab.tls.SignCertificate;
import io.labforge.orchestrator.plan.tls.ClusterServiceKey;
import io.labforge.orchestrator.planner.PlanBuilder;
import io.labforge.orchestrator.planner.StepRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * R17, R18, R23 through cluster-service: it makes a client key for the lab, the orchestrator signs it
 * with the lab's CA (usage: client); then, once every node is in the swarm, each node's availability as
 * the lab says (first: a drained node gets no tasks of the services), then each service (the lab's, and
 * Prometheus with its configuration) through the first manager's Engine API over mutual TLS.
 */
final class ClusterServiceSteps {
    private static final String TARGET = ClusterCommand.TARGET;
    private final PlanBuilder plan;
    private final Lab lab;
    private final SwarmSpec sw;
    private final String endpoint;

    ClusterServiceSteps(PlanBuilder plan, Lab.Host manager) {
        this.plan = plan;
        this.lab = plan.lab();
        this.sw = SwarmSpec.of(lab);
        this.endpoint = engineApi(lab, manager);
    }

    /** The first manager's Engine API ({@code address:tls-port}), where cluster-service reaches the swarm. */
    static String engineApi(Lab lab, Lab.Host manager) {
        Integer port = DockerSpec.of(lab, manager).tlsPort();
        if (port == null) {
            throw new IllegalArgumentException("cluster-service reaches the swarm through the Engine API of " + manager.name()
                    + ", which the lab does not open: give it docker.tls-port (e.g. 2376) and apply the lab");
        }
        return manager.address() + ":" + port;
    }

    static StepId availability(String node) {
        return PlanBuilder.id("availability", node, TARGET);
    }

    /** Plans them after {@code members}; returns the availability steps (stacks wait for them too). */
    List<StepId> plan(List<StepId> members) {
        StepRef<CreateClientKey> key = ClusterServiceKey.of(plan);
        StepRef<SignCertificate> cert = plan.step(PlanBuilder.id("cluster-cert", TARGET), OrchestratorCommand.TARGET,
                        new SignCertificate(key.text(CreateClientKey.CSR), TARGET, List.of(TARGET), List.of(), "CLIENT"))
                .after(key)
                .add();
        StepRef<InstallClientCertificate> client = plan.step(PlanBuilder.id("cluster-client", TARGET), TARGET,
                        new InstallClientCertificate(lab.name(), cert.text(SignCertificate.CERTIFICATE), cert.text(SignCertificate.CA)))
                .after(cert)
                .add();
        List<StepId> after = new ArrayList<>(members);
        after.add(client.id());
        List<StepId> availability = new ArrayList<>();
        for (Map.Entry<String, String> a : new TreeMap<>(sw.availability()).entrySet()) {
            String node = a.getKey();
            StepRef<SetNodeAvailability> step = plan.step(availability(node), TARGET,
                            new SetNodeAvailability(lab.name(), endpoint, node, a.getValue()))
                    .after(after)
                    .undo(self -> new SetNodeAvailability(lab.name(), endpoint, node, self.text(SetNodeAvailability.PREVIOUS)))
                    .add();
            availability.add(step.id());
        }
        after.addAll(availability);
        List<SwarmService> services = new ArrayList<>(sw.services());
        if (sw.prometheus() != null) {
            services.add(prometheus(sw.prometheus()));
        }
        for (SwarmService svc : services) {
            plan.step(PlanBuilder.id("service", svc.name(), TARGET), TARGET, new EnsureService(lab.name(), endpoint, svc))
                    .after(after)
                    .timeout(Duration.ofMinutes(5))
                    .undo(self -> new RemoveService(lab.name(), endpoint, svc.name(), false))
                    .undoFrom("created", EnsureService.CREATED)
                    .add();
        }
        return availability;
    }

    /** R23: Prometheus as a service on its node, its configuration a Swarm config generated from the lab. */
    private SwarmService prometheus(SwarmSpec.Prometheus p) {
        return new SwarmService("prometheus", p.image(), 1, List.of("node.hostname == " + p.node()), List.of(p.port() + ":9090"),
                Map.of("io.labforge.lab", lab.name()), List.of(), p.publishMode(), "vip",
                Map.of("/etc/prometheus/prometheus.yml", prometheusConfig(lab)));
    }

    /**
     * R23: Prometheus's configuration: one target per swarm node, at its address and the port of its
     * {@code docker.metrics-addr} (R15), labelled with the node's name.
     */
    static String prometheusConfig(Lab lab) {
        StringBuilder y = new StringBuilder("# generated by Labforge from lab ").append(lab.name())
                .append(": every swarm node's Docker metrics (R15, R23)\n")
                .append("global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: docker\n    static_configs:\n");
        for (String node : SwarmSpec.of(lab).nodes()) {
            Lab.Host h = lab.requireHost(node);
            y.append("      - targets: ['").append(h.address()).append(':').append(DockerSpec.of(lab, h).metricsPort()).append("']\n")
                    .append("        labels: {node: '").append(h.name()).append("'}\n");
        }
        return y.toString();
    }
}
