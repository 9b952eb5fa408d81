package io.labforge.orchestrator.plan.swarm;

import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.firewall.FirewallSpec;
import io.labforge.common.lab.registry.EnsureRegistry;
import io.labforge.common.lab.registry.RegistryCa;
import io.labforge.common.lab.registry.RestoreRegistry;
import io.labforge.common.lab.swarm.SwarmInit;
import io.labforge.common.lab.swarm.SwarmJoin;
import io.labforge.common.lab.swarm.SwarmLeave;
import io.labforge.common.lab.swarm.SwarmSpec;
import io.labforge.common.lab.tls.SignCertificate;
import io.labforge.common.net.PortRange;
import io.labforge.orchestrator.plan.host.HostPlanner;
import io.labforge.orchestrator.plan.registry.RegistryPlanner;
import io.labforge.orchestrator.plan.tls.TlsSteps;
import io.labforge.orchestrator.planner.FeaturePlanner;
import io.labforge.orchestrator.planner.PlanBuilder;
import io.labforge.orchestrator.planner.StepRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Docker Swarm (R17–R23). The lab's registry first (R19: TLS from the lab's CA, trusted by every node),
 * then init on the first manager once its host is ready and every other node joining with the token the
 * init step reports (a secret output: it reaches each node sealed to that node's key), after its
 * {@code /etc/hosts} so nodes reach each other by name. Then services and availability through
 * cluster-service ({@link ClusterServiceSteps}), stacks ({@link StackSteps}) and Portainer ({@link PortainerStack}).
 */
public final class SwarmPlanner implements FeaturePlanner {
    static final String REGISTRY_TLS_DIR = "/etc/docker/registry/labforge-tls";

    static StepId registry(String host) {
        return PlanBuilder.id("registry", host);
    }

    @Override
    public FirewallSpec openings(Lab lab, Lab.Host host) {
        SwarmSpec sw = SwarmSpec.of(lab);
        if (sw == null || sw.registry() == null || !sw.registry().host().equals(host.name())) {
            return FirewallSpec.EMPTY;
        }
        int p = sw.registry().port();
        return FirewallSpec.ports(new PortRange(p, p, "tcp"));
    }

    @Override
    public void plan(PlanBuilder plan) {
        SwarmSpec sw = SwarmSpec.of(plan.lab());
        if (sw == null) {
            return;
        }
        if (sw.registry() != null) {
            registry(plan, sw);
        }
        List<StepId> members = members(plan, sw);
        Lab.Host first = plan.lab().requireHost(sw.firstManager());
        List<StepId> availability = List.of();
        if (!sw.services().isEmpty() || !sw.availability().isEmpty() || sw.prometheus() != null) {
            availability = new ClusterServiceSteps(plan, first).plan(members);
        }
        for (SwarmSpec.Stack stack : sw.stacks()) {
            StackSteps.plan(plan, stack, first, members, availability);
        }
        if (sw.portainer() != null) {
            List<StepId> after = new ArrayList<>(members);
            after.addAll(availability);
            PortainerStack.plan(plan, sw.portainer(), first, after);
        }
    }

    /** R19: the lab's registry on its host, and every swarm node's Docker trusting its CA ({@code certs.d/<fqdn>:<port>}). */
    private static void registry(PlanBuilder plan, SwarmSpec sw) {
        Lab lab = plan.lab();
        SwarmSpec.Registry r = sw.registry();
        Lab.Host h = lab.requireHost(r.host());
        TlsSteps.ServerTls tls = TlsSteps.serverCertificate(plan, h, "registry-tls", REGISTRY_TLS_DIR, TlsSteps.Files.DEFAULT, plan.last(h.name()));
        StepRef<EnsureRegistry> reg = plan.step(registry(h.name()), h.name(), new EnsureRegistry(r.port(), REGISTRY_TLS_DIR))
                .after(tls.files())
                .timeout(Duration.ofMinutes(10))
                .undo(self -> new RestoreRegistry(self.text(EnsureRegistry.PREVIOUS_CONFIG), false, false, false))
                .undoFrom("existed", EnsureRegistry.EXISTED)
                .undoFrom("wasEnabled", EnsureRegistry.WAS_ENABLED)
                .undoFrom("wasActive", EnsureRegistry.WAS_ACTIVE)
                .add();
        plan.advance(h.name(), reg);
        Set<String> nodes = new LinkedHashSet<>(sw.nodes());
        nodes.add(h.name());
        List<RegistryCa> trust = List.of(new RegistryCa(lab.fqdn(h) + ":" + r.port(), tls.certificate().text(SignCertificate.CA)));
        for (String n : nodes) {
            RegistryPlanner.trust(plan, PlanBuilder.id("registry-ca", n), lab.requireHost(n), trust, plan.last(n), tls.certificate().id());
        }
    }

    /** R17: init, then the joins; the ids of every member's step. */
    private static List<StepId> members(PlanBuilder plan, SwarmSpec sw) {
        Lab lab = plan.lab();
        Lab.Host first = lab.requireHost(sw.firstManager());
        StepRef<SwarmInit> init = plan.step(PlanBuilder.id("swarm-init", first.name()), first.name(),
                        new SwarmInit(first.address(), sw.dataPathPort(), sw.defaultAddrPool()))
                .after(plan.last(first.name()), HostPlanner.hostsFile(first.name()))
                .undo(self -> new SwarmLeave(false))
                .undoFrom("member", SwarmInit.CREATED)
                .add();
        List<StepId> members = new ArrayList<>(List.of(init.id()));
        List<String> joiners = new ArrayList<>(sw.managers().subList(1, sw.managers().size()));
        joiners.addAll(sw.workers());
        for (String name : joiners) {
            Lab.Host h = lab.requireHost(name);
            boolean manager = sw.managers().contains(name);
            StepRef<SwarmJoin> join = plan.step(PlanBuilder.id("swarm-join", name), name,
                            new SwarmJoin(manager ? "manager" : "worker", init.text(SwarmInit.MANAGER_ADDRESS),
                                    init.text(manager ? SwarmInit.MANAGER_TOKEN : SwarmInit.WORKER_TOKEN), h.address()))
                    .after(init.id(), plan.last(name), HostPlanner.hostsFile(name))
                    .undo(self -> new SwarmLeave(false))
                    .undoFrom("member", SwarmJoin.MEMBER)
                    .add();
            members.add(join.id());
        }
        return members;
    }
}
