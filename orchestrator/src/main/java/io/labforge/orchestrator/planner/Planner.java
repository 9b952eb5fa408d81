package io.labforge.orchestrator.planner;

import Lab.Host;
import io.labforge.common.command.AgentCommand;
import io.labforge.common.command.ClusterCommand;
import io.labforge.common.command.GitlabCommand;
import io.labforge.common.command.OrchestratorCommand;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.disk.DiskSpec;
import io.labforge.common.lab.disk.EnsureDisk;
import io.labforge.common.lab.disk.RemoveDisk;
import io.labforge.common.lab.disk.Volume;
import io.labforge.common.lab.docker.ConfigureDockerDaemon;
import io.labforge.common.lab.docker.DockerSpec;
import io.labforge.common.lab.docker.EnsureDockerInstalled;
import io.labforge.common.lab.docker.RestoreDockerDaemon;
import io.labforge.common.lab.firewall.CloseFirewallPorts;
import io.labforge.common.lab.firewall.FirewallSpec;
import io.labforge.common.lab.firewall.OpenFirewallPorts;
import io.labforge.common.lab.gitlab.CreateGitlabToken;
import io.labforge.common.lab.gitlab.GitlabSpec;
import io.labforge.common.lab.gitlab.InstallGitlab;
import io.labforge.common.lab.gitlab.InstallGitlabHooks;
import io.labforge.common.lab.gitlab.PushImage;
import io.labforge.common.lab.gitlab.RegisterRunner;
import io.labforge.common.lab.gitlab.RemoveGitlabHooks;
import io.labforge.common.lab.gitlab.RevokeGitlabToken;
import io.labforge.common.lab.gitlab.StopGitlab;
import io.labforge.common.lab.gitlab.UnregisterRunner;
import io.labforge.common.lab.host.EnsureHostsEntries;
import io.labforge.common.lab.host.RestoreHostname;
import io.labforge.common.lab.host.RestoreHostsEntries;
import io.labforge.common.lab.host.SetHostname;
import io.labforge.common.lab.registry.EnsureRegistry;
import io.labforge.common.lab.registry.RegistryCa;
import io.labforge.common.lab.registry.RestoreRegistry;
import io.labforge.common.lab.registry.RestoreRegistryTrust;
import io.labforge.common.lab.registry.TrustRegistries;
import io.labforge.common.lab.swarm.BuildStack;
import io.labforge.common.lab.swarm.DeployStack;
import io.labforge.common.lab.swarm.RemoveStack;
import io.labforge.common.lab.swarm.SwarmInit;
import io.labforge.common.lab.swarm.SwarmJoin;
import io.labforge.common.lab.swarm.SwarmLeave;
import io.labforge.common.lab.swarm.SwarmService;
import io.labforge.common.lab.swarm.SwarmSpec;
import io.labforge.common.lab.tls.CreateTlsKey;
import io.labforge.common.lab.tls.InstallTlsFiles;
import io.labforge.common.lab.tls.InstallTlsKey;
import io.labforge.common.lab.tls.RemoveTlsKey;
import io.labforge.common.lab.tls.TrustCa;
import io.labforge.common.messaging.Json;
import io.labforge.common.messaging.MessageTypes;
import io.labforge.common.net.PortRange;
import io.labforge.orchestrator.planner.StepSpec.Compensation;
import io.labforge.orchestrator.planner.StepSpec.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a lab into its plan. Per host a chain — hostname, disks, firewall, Docker installed, registries
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
        java.util.Map<String, StepId> lastOf = new java.util.HashMap<>();
        for (Host h : lab.hosts()) {
            StepId hostname = hostnameStep(h);
            ObjectNode in = Json.object().put("hostname", h.name());
            if (lab.domain() != null) {
                in.put("domain", lab.domain());
            }
            steps.add(new StepSpec(hostname, type(SetHostname.class), h.name(), in, List.of(), SHORT,
                    RetryPolicy.DEFAULT, new Compensation(type(RestoreHostname.class),
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
            steps.add(new StepSpec(StepId.of("hosts-file@" + h.name()), type(EnsureHostsEntries.class),
                    h.name(), (ObjectNode) Json.object().set("entries", entries), List.copyOf(allHostnames), SHORT,
                    RetryPolicy.DEFAULT, new Compensation(type(RestoreHostsEntries.class),
                            Json.object().set("previousBlock", Refs.self("previousBlock")))));

            StepId last = hostname;
            for (DiskSpec disk : h.disks()) {
                // before Docker: R4's data-root lives on the volume R3 mounts
                last = disk(h, disk, last, steps);
            }
            FirewallSpec fw = lab.firewallOf(h);
            DockerSpec docker = lab.dockerOf(h);
            if (lab.swarm() != null && lab.swarm().registry() != null && lab.swarm().registry().host().equals(h.name())) {
                int p = lab.swarm().registry().port();
                fw = fw.merge(new FirewallSpec(null, List.of(new PortRange(p, p, "tcp")), List.of()));
            }
            if (lab.gitlab() != null && lab.gitlab().installs() && lab.gitlab().host().equals(h.name())) {
                fw = fw.merge(gitlabOpenings(lab.gitlab())); // R5: derived from the GitLab section, not repeated
            }
            if (docker.tlsPort() != null) {
                // the Engine API port is opened with the rest (R16 style: derived, not repeated in the lab file)
                fw = fw.merge(new FirewallSpec(null, List.of(new PortRange(docker.tlsPort(), docker.tlsPort(), "tcp")),
                        List.of()));
            }
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
                steps.add(new StepSpec(id, type(OpenFirewallPorts.class), h.name(), f, List.of(last), SHORT,
                        RetryPolicy.DEFAULT, new Compensation(type(CloseFirewallPorts.class), undo)));
                last = id;
            }
            List<RegistryCa> trust = lab.registryTrustOf(h);
            if (!docker.isEmpty() || !trust.isEmpty()) {
                StepId id = StepId.of("docker-install@" + h.name());
                steps.add(new StepSpec(id, type(EnsureDockerInstalled.class), h.name(), Json.object(),
                        List.of(last), Duration.ofMinutes(20), RetryPolicy.DEFAULT, null));
                last = id;
            }
            if (!trust.isEmpty()) {
                StepId id = StepId.of("registry-trust@" + h.name());
                ObjectNode t = Json.object();
                t.set("registries", Json.tree(trust.stream()
                        .map(r -> new RegistryCa(r.registry(), r.caPem())).toList()));
                steps.add(new StepSpec(id, type(TrustRegistries.class), h.name(), t, List.of(last), SHORT,
                        RetryPolicy.DEFAULT, new Compensation(type(RestoreRegistryTrust.class),
                                (ObjectNode) Json.object().set("previous", Refs.self("previous")))));
                last = id;
            }
            ObjectNode settings = (ObjectNode) Json.tree(docker.daemonJson());
            if (docker.tlsPort() != null) {
                last = dockerTls(lab, h, docker.tlsPort(), last, steps, settings);
            }
            if (!docker.isEmpty()) {
                StepId id = StepId.of("docker-daemon@" + h.name());
                ObjectNode d = Json.object();
                d.set("settings", settings);
                ObjectNode undo = Json.object();
                undo.set("previousContent", Refs.self("previousContent"));
                undo.set("existed", Refs.self("existed"));
                steps.add(new StepSpec(id, type(ConfigureDockerDaemon.class), h.name(), d, List.of(last),
                        DOCKER, RetryPolicy.DEFAULT,
                        new Compensation(type(RestoreDockerDaemon.class), undo)));
                last = id;
            }
            lastOf.put(h.name(), last);
        }
        if (lab.gitlab() != null) {
            gitlab(lab, lastOf, steps);
        }
        if (lab.swarm() != null && lab.swarm().registry() != null) {
            registry(lab, lastOf, steps);
        }
        if (lab.swarm() != null) {
            swarm(lab, lastOf, steps);
        }
        return Plan.of(steps);
    }

    /**
     * R17: init on the first manager once its host is ready, then every other node joins with the token
     * the init step reports (a secret output: it reaches each node sealed to that node's key). The
     * /etc/hosts steps come first, so nodes already reach each other by name.
     */
    private static void swarm(Lab lab, java.util.Map<String, StepId> lastOf, List<StepSpec> steps) {
        SwarmSpec sw = lab.swarm();
        Host first = lab.host(sw.managers().get(0)).orElseThrow();
        StepId init = StepId.of("swarm-init@" + first.name());
        List<StepId> initDeps = new ArrayList<>(List.of(lastOf.get(first.name())));
        initDeps.add(StepId.of("hosts-file@" + first.name()));
        ObjectNode initIn = Json.object().put("advertiseAddress", first.address()).put("dataPathPort", sw.dataPathPort());
        initIn.set("defaultAddrPool", Json.tree(sw.defaultAddrPool()));
        steps.add(new StepSpec(init, type(SwarmInit.class), first.name(), initIn, initDeps, SHORT,
                RetryPolicy.DEFAULT, new Compensation(type(SwarmLeave.class),
                        (ObjectNode) Json.object().set("member", Refs.self("created")))));
        List<String> joiners = new ArrayList<>(sw.managers().subList(1, sw.managers().size()));
        joiners.addAll(sw.workers());
        for (String name : joiners) {
            Host h = lab.host(name).orElseThrow();
            boolean manager = sw.managers().contains(name);
            ObjectNode in = Json.object().put("role", manager ? "manager" : "worker").put("advertiseAddress", h.address());
            in.set("managerAddress", Refs.ref(init.value(), "managerAddress"));
            in.set("token", Refs.ref(init.value(), manager ? "managerToken" : "workerToken"));
            List<StepId> deps = new ArrayList<>(List.of(init, lastOf.get(name), StepId.of("hosts-file@" + name)));
            steps.add(new StepSpec(StepId.of("swarm-join@" + name), type(SwarmJoin.class), name, in, deps, SHORT,
                    RetryPolicy.DEFAULT, new Compensation(type(SwarmLeave.class),
                            (ObjectNode) Json.object().set("member", Refs.self("member")))));
        }
        List<StepId> swarmDone = new ArrayList<>(List.of(init));
        joiners.forEach(n -> swarmDone.add(StepId.of("swarm-join@" + n)));
        if (!sw.services().isEmpty() || !sw.availability().isEmpty() || sw.prometheus() != null) {
            services(lab, first, swarmDone, steps);
        }
        for (SwarmSpec.Stack stack : sw.stacks()) {
            stack(lab, stack, first, swarmDone, lastOf, steps);
        }
    }

    /**
     * R20: a stack's images built on {@code buildOn} and pushed to the lab's registry, then the stack
     * deployed from the first manager once every node is in the swarm (and trusts the registry) and
     * the nodes' availability is as the lab says. Both steps carry the stack's files.
     */
    private static void stack(Lab lab, SwarmSpec.Stack stack, Host manager, List<StepId> swarmDone,
            java.util.Map<String, StepId> lastOf, List<StepSpec> steps) {
        java.util.Map<String, String> env = new java.util.TreeMap<>(stack.env());
        SwarmSpec.Registry registry = lab.swarm().registry();
        if (registry != null) {
            env.putIfAbsent("REGISTRY", lab.fqdn(lab.host(registry.host()).orElseThrow()) + ":" + registry.port());
        }
        ObjectNode in = Json.object().put("stack", stack.name()).put("compose", stack.compose());
        in.set("files", Json.tree(stack.files()));
        in.set("env", Json.tree(env));
        StepId build = StepId.of("stack-build-" + stack.name() + "@" + stack.buildOn());
        List<StepId> buildDeps = new ArrayList<>(List.of(lastOf.get(stack.buildOn())));
        if (registry != null) {
            buildDeps.add(StepId.of("registry@" + registry.host()));
        }
        steps.add(new StepSpec(build, type(BuildStack.class), stack.buildOn(), in, buildDeps, Duration.ofMinutes(20),
                RetryPolicy.DEFAULT, null));
        List<StepId> deployDeps = new ArrayList<>(swarmDone);
        deployDeps.add(build);
        new java.util.TreeSet<>(lab.swarm().availability().keySet())
                .forEach(n -> deployDeps.add(StepId.of("availability-" + n + "@" + ClusterCommand.TARGET)));
        ObjectNode undo = Json.object().put("stack", stack.name());
        undo.set("created", Refs.self("created"));
        steps.add(new StepSpec(StepId.of("stack-" + stack.name() + "@" + manager.name()), type(DeployStack.class),
                manager.name(), in.deepCopy(), deployDeps, Duration.ofMinutes(10), RetryPolicy.DEFAULT,
                new Compensation(type(RemoveStack.class), undo)));
    }

    /**
     * R23: Prometheus's configuration, generated from the lab: one target per swarm node, at its
     * address and the port of its {@code docker.metrics-addr} (R15), labelled with the node's name.
     */
    static String prometheusConfig(Lab lab) {
        StringBuilder y = new StringBuilder("# generated by Labforge from lab ").append(lab.name())
                .append(": every swarm node's Docker metrics (R15, R23)\n")
                .append("global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: docker\n    static_configs:\n");
        for (String node : lab.swarm().nodes()) {
            Host h = lab.host(node).orElseThrow();
            String metrics = lab.dockerOf(h).metricsAddr();
            String port = metrics.substring(metrics.lastIndexOf(':') + 1);
            y.append("      - targets: ['").append(h.address()).append(':').append(port).append("']\n")
                    .append("        labels: {node: '").append(h.name()).append("'}\n");
        }
        return y.toString();
    }

    /**
     * R18 through cluster-service: it makes a client key for the lab, the orchestrator signs it with the
     * lab's CA (usage: client), then each service is created through the first manager's Engine API
     * over mutual TLS once every node is in the swarm.
     */
    private static void services(Lab lab, Host manager, List<StepId> swarmDone, List<StepSpec> steps) {
        String target = ClusterCommand.TARGET;
        StepId key = StepId.of("cluster-key@" + target);
        StepId cert = StepId.of("cluster-cert@" + target);
        StepId install = StepId.of("cluster-client@" + target);
        steps.add(new StepSpec(key, type(CreateClientKey.class), target,
                Json.object().put("lab", lab.name()), List.of(), SHORT, RetryPolicy.DEFAULT, null));
        ObjectNode sign = Json.object();
        sign.set("csr", Refs.ref(key.value(), "csr"));
        sign.put("commonName", target).put("usage", "CLIENT");
        sign.putArray("dnsNames").add(target);
        sign.putArray("ipAddresses");
        steps.add(new StepSpec(cert, type(SignCertificate.class),
                OrchestratorCommand.TARGET, sign, List.of(key), SHORT, RetryPolicy.DEFAULT, null));
        ObjectNode inst = Json.object().put("lab", lab.name());
        inst.set("certificate", Refs.ref(cert.value(), "certificate"));
        inst.set("ca", Refs.ref(cert.value(), "ca"));
        steps.add(new StepSpec(install, type(InstallClientCertificate.class), target, inst,
                List.of(cert), SHORT, RetryPolicy.DEFAULT, null));
        String endpoint = manager.address() + ":" + lab.dockerOf(manager).tlsPort();
        List<StepId> deps = new ArrayList<>(swarmDone);
        deps.add(install);
        // availability first: a drained node gets no tasks of the services below
        List<StepId> availability = new ArrayList<>();
        for (java.util.Map.Entry<String, String> a : new java.util.TreeMap<>(lab.swarm().availability()).entrySet()) {
            StepId id = StepId.of("availability-" + a.getKey() + "@" + target);
            ObjectNode undo = Json.object().put("lab", lab.name()).put("manager", endpoint).put("node", a.getKey());
            undo.set("availability", Refs.self("previous"));
            steps.add(new StepSpec(id, type(SetNodeAvailability.class), target,
                    Json.object().put("lab", lab.name()).put("manager", endpoint).put("node", a.getKey()).put("availability", a.getValue()),
                    List.copyOf(deps), SHORT, RetryPolicy.DEFAULT,
                    new Compensation(type(SetNodeAvailability.class), undo)));
            availability.add(id);
        }
        deps.addAll(availability);
        List<Service> services = new ArrayList<>();
        for (SwarmService svc : lab.swarm().services()) {
            services.add(new Service(svc.name(), svc.image(), svc.replicas(),
                    svc.constraints(), svc.ports(), svc.labels(), svc.command(), svc.publishMode(), svc.endpointMode(), java.util.Map.of()));
        }
        SwarmSpec.Prometheus prom = lab.swarm().prometheus();
        if (prom != null) {
            services.add(new Service("prometheus", prom.image(), 1,
                    List.of("node.hostname == " + prom.node()), List.of(prom.port() + ":9090"),
                    java.util.Map.of("io.labforge.lab", lab.name()), List.of(), prom.publishMode(), "vip",
                    java.util.Map.of("/etc/prometheus/prometheus.yml", prometheusConfig(lab))));
        }
        for (Service svc : services) {
            ObjectNode in = Json.object().put("lab", lab.name()).put("manager", endpoint);
            in.set("service", Json.tree(svc));
            ObjectNode undo = Json.object().put("lab", lab.name()).put("manager", endpoint).put("name", svc.name());
            undo.set("created", Refs.self("created"));
            steps.add(new StepSpec(StepId.of("service-" + svc.name() + "@" + target),
                    type(EnsureService.class), target, in, List.copyOf(deps), Duration.ofMinutes(5),
                    RetryPolicy.DEFAULT, new Compensation(type(RemoveService.class), undo)));
        }
    }

    /** R3: one step per disk; its compensation removes only what the step reports it created. */
    private static StepId disk(Host h, DiskSpec disk, StepId after, List<StepSpec> steps) {
        StepId id = StepId.of("disk-" + disk.volumeGroup() + "@" + h.name());
        ObjectNode in = Json.object();
        in.put("device", disk.device()).put("serial", disk.serial()).put("volumeGroup", disk.volumeGroup());
        if (disk.size() != null) {
            in.put("diskSize", disk.size().bytes());
        } else {
            in.putNull("diskSize");
        }
        ArrayNode volumes = in.putArray("volumes");
        for (Volume v : disk.volumes()) {
            volumes.addObject().put("name", v.name()).put("size", v.size().toString()).put("filesystem", v.filesystem())
                    .put("mount", v.mount()).put("allowShrink", v.allowShrink());
        }
        ObjectNode undo = Json.object();
        for (String out : List.of("device", "volumeGroup", "pvCreated", "vgCreated", "lvsCreated", "fstabAdded", "mounted")) {
            undo.set(out, Refs.self(out));
        }
        steps.add(new StepSpec(id, type(EnsureDisk.class), h.name(), in, List.of(after), Duration.ofMinutes(15),
                RetryPolicy.DEFAULT, new Compensation(type(RemoveDisk.class), undo)));
        return id;
    }

    static final String TLS_DIR = "/etc/docker/labforge-tls";

    /**
     * The Engine API over mutual TLS (for cluster-service): the host makes its key and a request, the
     * orchestrator signs it with the lab's CA for the host's names, the host installs certificate and
     * CA, and daemon.json gets the TCP socket. The private key never leaves the host.
     */
    private StepId dockerTls(Lab lab, Host h, int port, StepId after, List<StepSpec> steps, ObjectNode settings) {
        StepId files = tls(lab, h, "tls", TLS_DIR, after, steps);
        settings.set("hosts", Json.tree(List.of("unix:///var/run/docker.sock", "tcp://0.0.0.0:" + port)));
        settings.put("tls", true).put("tlsverify", true).put("tlscacert", TLS_DIR + "/ca.pem")
                .put("tlscert", TLS_DIR + "/cert.pem").put("tlskey", TLS_DIR + "/key.pem");
        return files;
    }

    /**
     * A server certificate for a host from the lab's CA: {@code <prefix>-key} (the key made on the host,
     * which answers with a request), {@code <prefix>-cert} (signed by the orchestrator for the host's
     * names and address; its output {@code ca} is the lab's CA) and {@code <prefix>-files} (certificate
     * and CA installed in {@code dir}). Returns the last.
     */
    private static StepId tls(Lab lab, Host h, String prefix, String dir, StepId after, List<StepSpec> steps) {
        return tls(lab, h, prefix, dir, new TlsFiles("key.pem", "cert.pem", "ca.pem", List.of()), after, steps);
    }

    /** The file names a TLS step set writes, and names the certificate holds beside the host's own. */
    record TlsFiles(String key, String certificate, String ca, List<String> extraNames) {
    }

    private static StepId tls(Lab lab, Host h, String prefix, String dir, TlsFiles names, StepId after, List<StepSpec> steps) {
        StepId key = StepId.of(prefix + "-key@" + h.name());
        StepId cert = StepId.of(prefix + "-cert@" + h.name());
        StepId files = StepId.of(prefix + "-files@" + h.name());
        ObjectNode undoKey = Json.object().put("dir", dir).put("keyFile", names.key());
        undoKey.set("created", Refs.self("created"));
        steps.add(new StepSpec(key, type(CreateTlsKey.class), h.name(),
                Json.object().put("dir", dir).put("commonName", lab.fqdn(h)).put("keyFile", names.key()), List.of(after), SHORT,
                RetryPolicy.DEFAULT, new Compensation(type(RemoveTlsKey.class), undoKey)));
        ObjectNode sign = Json.object();
        sign.set("csr", Refs.ref(key.value(), "csr"));
        sign.put("commonName", lab.fqdn(h)).put("usage", "SERVER");
        ArrayNode dns = sign.putArray("dnsNames");
        new java.util.LinkedHashSet<>(concat(List.of(lab.fqdn(h), h.name()), names.extraNames())).forEach(dns::add);
        sign.putArray("ipAddresses").add(h.address());
        steps.add(new StepSpec(cert, type(SignCertificate.class),
                OrchestratorCommand.TARGET, sign, List.of(key), SHORT, RetryPolicy.DEFAULT, null));
        ObjectNode fileMap = Json.object();
        fileMap.set(names.ca(), Refs.ref(cert.value(), "ca"));
        fileMap.set(names.certificate(), Refs.ref(cert.value(), "certificate"));
        steps.add(tlsFiles(files, h, dir, fileMap, cert));
        return files;
    }

    /** The public TLS files (certificate, CA) installed in {@code dir}; the undo puts back what they replaced. */
    private static StepSpec tlsFiles(StepId id, Host h, String dir, ObjectNode files, StepId after) {
        ObjectNode install = Json.object().put("dir", dir);
        install.set("files", files);
        ObjectNode undo = Json.object().put("dir", dir);
        undo.set("files", Refs.self("previous"));
        return new StepSpec(id, type(InstallTlsFiles.class), h.name(), install, List.of(after), SHORT, RetryPolicy.DEFAULT,
                new Compensation(type(InstallTlsFiles.class), undo));
    }

    /**
     * {@code labforge swarm scale}: one step that sets a service's replicas through cluster-service; its
     * undo scales back to what it found.
     */
    /** {@code labforge swarm status}: one read-only step that describes the swarm through cluster-service. */
    public Plan describeSwarm(Lab lab) {
        String endpoint = engineApi(lab);
        String target = ClusterCommand.TARGET;
        return Plan.of(List.of(new StepSpec(StepId.of("describe-swarm@" + target),
                type(DescribeSwarm.class), target,
                Json.object().put("lab", lab.name()).put("manager", endpoint), List.of(), SHORT, RetryPolicy.DEFAULT, null)));
    }

    /** The first manager's Engine API ({@code address:tls-port}), where cluster-service reaches the swarm. */
    private static String engineApi(Lab lab) {
        if (lab.swarm() == null) {
            throw new IllegalArgumentException("lab " + lab.name() + " has no swarm");
        }
        Host manager = lab.host(lab.swarm().managers().get(0)).orElseThrow();
        Integer port = lab.dockerOf(manager).tlsPort();
        if (port == null) {
            throw new IllegalArgumentException("cluster-service reaches the swarm through the Engine API of " + manager.name()
                    + ", which the lab does not open: give it docker.tls-port (e.g. 2376) and apply the lab");
        }
        return manager.address() + ":" + port;
    }

    public Plan scale(Lab lab, String service, int replicas) {
        if (lab.swarm() == null || lab.swarm().services().stream().noneMatch(s -> s.name().equals(service))) {
            throw new IllegalArgumentException("lab " + lab.name() + " has no swarm service '" + service + "'"
                    + (lab.swarm() == null ? "" : ": it has " + lab.swarm().services().stream().map(SwarmService::name).toList()));
        }
        if (replicas < 0 || replicas > 1000) {
            throw new IllegalArgumentException("replicas must be between 0 and 1000, not " + replicas);
        }
        String endpoint = engineApi(lab);
        String target = ClusterCommand.TARGET;
        ObjectNode in = Json.object().put("lab", lab.name()).put("manager", endpoint).put("name", service).put("replicas", replicas);
        ObjectNode undo = Json.object().put("lab", lab.name()).put("manager", endpoint).put("name", service);
        undo.set("replicas", Refs.self("previous"));
        return Plan.of(List.of(new StepSpec(StepId.of("scale-" + service + "@" + target),
                type(ScaleService.class), target, in, List.of(), Duration.ofMinutes(5),
                RetryPolicy.DEFAULT, new Compensation(type(ScaleService.class), undo))));
    }

    static final String REGISTRY_TLS_DIR = "/etc/docker/registry/labforge-tls";

    /**
     * R19: the lab's registry on its host (TLS from the lab's CA), and every swarm node's Docker
     * trusting that CA for it ({@code /etc/docker/certs.d/<fqdn>:<port>/ca.crt}).
     */
    private static void registry(Lab lab, java.util.Map<String, StepId> lastOf, List<StepSpec> steps) {
        SwarmSpec.Registry r = lab.swarm().registry();
        Host h = lab.host(r.host()).orElseThrow();
        StepId files = tls(lab, h, "registry-tls", REGISTRY_TLS_DIR, lastOf.get(h.name()), steps);
        StepId reg = StepId.of("registry@" + h.name());
        ObjectNode undo = Json.object();
        for (String out : List.of("previousConfig", "existed", "wasEnabled", "wasActive")) {
            undo.set(out, Refs.self(out));
        }
        steps.add(new StepSpec(reg, type(EnsureRegistry.class), h.name(),
                Json.object().put("port", r.port()).put("tlsDir", REGISTRY_TLS_DIR), List.of(files), Duration.ofMinutes(10),
                RetryPolicy.DEFAULT, new Compensation(type(RestoreRegistry.class), undo)));
        lastOf.put(h.name(), reg);
        java.util.Set<String> nodes = new java.util.LinkedHashSet<>(lab.swarm().managers());
        nodes.addAll(lab.swarm().workers());
        nodes.add(h.name());
        for (String n : nodes) {
            ObjectNode trust = Json.object();
            ObjectNode entry = trust.putArray("registries").addObject();
            entry.put("registry", lab.fqdn(h) + ":" + r.port());
            entry.set("caPem", Refs.ref("registry-tls-cert@" + h.name(), "ca"));
            StepId id = StepId.of("registry-ca@" + n);
            steps.add(new StepSpec(id, type(TrustRegistries.class), n, trust,
                    List.of(lastOf.get(n), StepId.of("registry-tls-cert@" + h.name())), SHORT, RetryPolicy.DEFAULT,
                    new Compensation(type(RestoreRegistryTrust.class),
                            (ObjectNode) Json.object().set("previous", Refs.self("previous")))));
            lastOf.put(n, id);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static final String GITLAB_SSL_DIR = "/etc/gitlab/ssl";

    /**
     * Part 1 (R5–R12). On the GitLab host (unless {@code install: existing}): a key and certificate from
     * the lab's CA for its URL's name, FQDN and address as {@code /etc/gitlab/ssl/<url host>.key|.crt};
     * Labforge's pre-receive hook (R8); gitlab.rb rendered by gitlab-service, GitLab installed and
     * reconfigured by the agent. Every host trusts the lab's CA (its CA store, its Docker for GitLab's
     * registry). Then through gitlab-service: GitLab ready, an API token (made on the host, or a lab
     * secret), the projects seeded (R10–R12), and each runner created through the API (R9) and
     * registered on its host with the token GitLab gave it. Secrets (root password, tokens) travel
     * only as references to secret outputs, sealed to the worker that reads them.
     */
    private static void gitlab(Lab lab, java.util.Map<String, StepId> lastOf, List<StepSpec> steps) {
        GitlabSpec g = lab.gitlab();
        Host h = lab.host(g.host()).orElseThrow();
        String name = g.urlHost();
        String service = GitlabCommand.TARGET;
        String local = OrchestratorCommand.TARGET;
        java.util.Set<String> secretsRead = new java.util.HashSet<>();
        java.util.function.Function<String, StepId> secret = n -> {
            StepId id = StepId.of("secret-" + n.toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "@" + local);
            if (secretsRead.add(n)) {
                steps.add(new StepSpec(id, type(ReadSecret.class), local,
                        Json.object().put("name", n), List.of(), SHORT, RetryPolicy.NONE, null));
            }
            return id;
        };
        // what the lab's workers trust GitLab by: the CA that signed its certificate (a step's output, or the lab's file)
        StepId caStep;
        tools.jackson.databind.JsonNode caValue;
        StepId gitlabReadyAfter;
        if (g.installs()) {
            StepId files;
            if (g.tls() == null) {
                files = tls(lab, h, "gitlab-tls", GITLAB_SSL_DIR, new TlsFiles(name + ".key", name + ".crt", "labforge-ca.crt",
                        List.of(name)), lastOf.get(h.name()), steps);
                caStep = StepId.of("gitlab-tls-cert@" + h.name());
                caValue = Refs.ref(caStep.value(), "ca");
            } else {
                files = givenTls(g, h, name, secret, lastOf.get(h.name()), steps);
                caStep = files;
                caValue = Json.MAPPER.getNodeFactory().stringNode(g.tls().caPem());
            }
            StepId hooks = StepId.of("gitlab-hooks@" + h.name());
            ObjectNode undo = Json.object().put("hooksDir", g.hooksDir());
            undo.set("created", Refs.self("created"));
            steps.add(new StepSpec(hooks, type(InstallGitlabHooks.class), h.name(), Json.object().put("hooksDir", g.hooksDir()),
                    List.of(files), Duration.ofMinutes(10), RetryPolicy.DEFAULT, new Compensation(type(RemoveGitlabHooks.class), undo)));
            StepId config = StepId.of("gitlab-config@" + service);
            ObjectNode render = Json.object().put("lab", lab.name()).put("externalUrl", g.externalUrl()).put("sslDir", GITLAB_SSL_DIR)
                    .put("hooksDir", g.hooksDir());
            render.set("registryPort", g.registryPort() == null ? null : Json.MAPPER.getNodeFactory().numberNode(g.registryPort()));
            ArrayNode allow = render.putArray("monitoringAllow");
            g.monitoringAllow().forEach(allow::add);
            steps.add(new StepSpec(config, type(RenderGitlabConfig.class), service, render, List.of(),
                    SHORT, RetryPolicy.DEFAULT, null));
            StepId install = StepId.of("gitlab-install@" + h.name());
            ObjectNode in = Json.object().put("method", g.install()).put("externalUrl", g.externalUrl()).put("image", g.image())
                    .put("packageRepository", g.packageRepository());
            in.set("registryPort", render.get("registryPort"));
            in.set("gitlabRb", Refs.ref(config.value(), "gitlabRb"));
            List<StepId> after = new ArrayList<>(List.of(hooks, config));
            if (g.rootPasswordSecret() != null) {
                StepId pw = secret.apply(g.rootPasswordSecret());
                in.set("rootPassword", Refs.ref(pw.value(), "value"));
                after.add(pw);
            }
            ObjectNode stop = Json.object().put("method", g.install());
            stop.set("installed", Refs.self("installed"));
            steps.add(new StepSpec(install, type(InstallGitlab.class), h.name(), in, after, Duration.ofMinutes(60),
                    RetryPolicy.DEFAULT, new Compensation(type(StopGitlab.class), stop)));
            lastOf.put(h.name(), install);
            gitlabReadyAfter = install;
        } else if (g.tls() != null && g.tls().isPublic()) {
            // a GitLab with a public certificate: trusted as the system trusts it, nothing to install
            caStep = null;
            caValue = tools.jackson.databind.node.NullNode.getInstance();
            gitlabReadyAfter = null;
        } else {
            caStep = StepId.of("lab-ca@" + local);
            caValue = Refs.ref(caStep.value(), "ca");
            steps.add(new StepSpec(caStep, type(LabCaCertificate.class), local,
                    Json.object(), List.of(), SHORT, RetryPolicy.DEFAULT, null));
            gitlabReadyAfter = caStep;
        }
        // R5: the lab's CA trusted where GitLab is used: every host's CA store (git, curl, gitlab-runner),
        // and every host's Docker for GitLab's registry
        for (Host x : caStep == null ? List.<Host>of() : lab.hosts()) {
            StepId store = StepId.of("gitlab-ca@" + x.name());
            ObjectNode trust = Json.object().put("name", lab.name());
            trust.set("caPem", caValue.deepCopy());
            ObjectNode untrust = Json.object().put("name", lab.name());
            untrust.set("caPem", Refs.self("previous"));
            steps.add(new StepSpec(store, type(TrustCa.class), x.name(), trust,
                    List.of(lastOf.get(x.name()), caStep), SHORT, RetryPolicy.DEFAULT,
                    new Compensation(type(TrustCa.class), untrust)));
            if (g.registryPort() == null) {
                lastOf.put(x.name(), store);
                continue;
            }
            StepId docker = StepId.of("gitlab-registry-ca@" + x.name());
            ObjectNode reg = Json.object();
            ObjectNode entry = reg.putArray("registries").addObject();
            entry.put("registry", g.urlHost() + ":" + g.registryPort());
            entry.set("caPem", caValue.deepCopy());
            steps.add(new StepSpec(docker, type(TrustRegistries.class), x.name(), reg, List.of(store), SHORT,
                    RetryPolicy.DEFAULT, new Compensation(type(RestoreRegistryTrust.class),
                            (ObjectNode) Json.object().set("previous", Refs.self("previous")))));
            lastOf.put(x.name(), docker);
        }
        // GitLab answering (an installation is done only then), then its API when the lab asks for anything through it
        StepId ready = StepId.of("gitlab-ready@" + service);
        ObjectNode await = Json.object().put("lab", lab.name()).put("url", g.externalUrl());
        await.set("caPem", caValue.deepCopy());
        steps.add(new StepSpec(ready, type(AwaitGitlab.class), service, await,
                gitlabReadyAfter == null ? List.of() : List.of(gitlabReadyAfter), Duration.ofMinutes(20), RetryPolicy.DEFAULT, null));
        if (g.projects().isEmpty() && g.runners().isEmpty()) {
            return;
        }
        StepId tokenStep;
        String tokenOutput;
        if (g.tokenSecret() != null) {
            tokenStep = secret.apply(g.tokenSecret());
            tokenOutput = "value";
        } else {
            tokenStep = StepId.of("gitlab-token@" + h.name());
            tokenOutput = "token";
            String tokenName = "labforge-" + lab.name();
            steps.add(new StepSpec(tokenStep, type(CreateGitlabToken.class), h.name(),
                    Json.object().put("method", g.install()).put("name", tokenName), List.of(ready), Duration.ofMinutes(15), RetryPolicy.DEFAULT,
                    new Compensation(type(RevokeGitlabToken.class), Json.object().put("method", g.install()).put("name", tokenName))));
        }
        List<StepSpec> pushes = new ArrayList<>();
        java.util.function.Supplier<ObjectNode> api = () -> {
            ObjectNode n = Json.object().put("url", g.externalUrl());
            n.set("caPem", caValue.deepCopy());
            n.set("token", Refs.ref(tokenStep.value(), tokenOutput));
            return n;
        };
        for (String p : g.projects()) {
            StepId project = StepId.of("gitlab-project-" + p + "@" + service);
            for (GitlabSpec.Image img : g.images()) {
                if (!img.project().equals(p)) {
                    continue;
                }
                // R7: pushed from the GitLab host's Docker, which trusts the lab's CA for the registry
                StepId push = StepId.of("gitlab-image-" + p + "-" + img.name() + "@" + h.name());
                ObjectNode in = Json.object().put("registry", name + ":" + g.registryPort()).put("image", img.name()).put("tag", img.tag())
                        .put("source", img.from());
                in.set("projectPath", Refs.ref(project.value(), "path"));
                in.set("token", Refs.ref(tokenStep.value(), tokenOutput));
                pushes.add(new StepSpec(push, type(PushImage.class), h.name(), in, List.of(project, lastOf.get(h.name())),
                        Duration.ofMinutes(20), RetryPolicy.DEFAULT, null));
            }
            ObjectNode in = api.get().put("lab", lab.name()).put("name", p).put("template", p);
            ObjectNode undo = api.get();
            undo.set("projectId", Refs.self("projectId"));
            undo.set("created", Refs.self("created"));
            steps.add(new StepSpec(project, type(EnsureProject.class), service, in,
                    List.of(ready, tokenStep), Duration.ofMinutes(10), RetryPolicy.DEFAULT,
                    new Compensation(type(RemoveProject.class), undo)));
        }
        steps.addAll(pushes);
        for (GitlabSpec.Runner r : g.runners()) {
            StepId created = StepId.of("gitlab-runner-" + r.name() + "@" + service);
            ObjectNode in = api.get().put("lab", lab.name()).put("name", r.name()).put("runUntagged", r.runUntagged());
            ArrayNode tags = in.putArray("tags");
            r.tags().forEach(tags::add);
            ObjectNode undo = api.get();
            undo.set("runnerId", Refs.self("runnerId"));
            undo.set("created", Refs.self("created"));
            steps.add(new StepSpec(created, type(CreateRunner.class), service, in,
                    List.of(ready, tokenStep), SHORT, RetryPolicy.DEFAULT,
                    new Compensation(type(DeleteRunner.class), undo)));
            StepId registered = StepId.of("runner-" + r.name() + "@" + r.host());
            ObjectNode reg = Json.object().put("name", r.name()).put("url", g.externalUrl()).put("executor", r.executor())
                    .put("dockerImage", r.image()).put("packageRepository", g.packageRepository());
            reg.set("runnerToken", Refs.ref(created.value(), "runnerToken"));
            reg.set("caPem", caValue.deepCopy());
            // the docker executor's job containers reach GitLab (and its registry) by its URL's name
            reg.putArray("extraHosts").add(name + ":" + h.address());
            ObjectNode unreg = Json.object().put("name", r.name());
            unreg.set("registered", Refs.self("registered"));
            steps.add(new StepSpec(registered, type(RegisterRunner.class), r.host(), reg,
                    List.of(created, lastOf.get(r.host())), Duration.ofMinutes(20), RetryPolicy.DEFAULT,
                    new Compensation(type(UnregisterRunner.class), unreg)));
            lastOf.put(r.host(), registered);
        }
    }

    /**
     * GitLab's TLS from the lab's files: the certificate and CA as given (public, in the step's inputs),
     * the key from the orchestrator's secret (sealed to the host), mode 600; the same file names omnibus
     * reads as with the lab's CA.
     */
    private static StepId givenTls(GitlabSpec g, Host h, String name, java.util.function.Function<String, StepId> secret, StepId after,
            List<StepSpec> steps) {
        GitlabSpec.Tls t = g.tls();
        if (t.certificatePem() == null || t.caPem() == null) {
            throw new IllegalArgumentException("gitlab.tls: " + t.certificate() + " and " + t.ca() + " must come with the lab (labforge apply sends them)");
        }
        StepId keySecret = secret.apply(t.keySecret());
        StepId key = StepId.of("gitlab-tls-key@" + h.name());
        ObjectNode in = Json.object().put("dir", GITLAB_SSL_DIR).put("keyFile", name + ".key");
        in.set("keyPem", Refs.ref(keySecret.value(), "value"));
        ObjectNode undo = Json.object().put("dir", GITLAB_SSL_DIR).put("keyFile", name + ".key");
        undo.set("keyPem", Refs.self("previous"));
        steps.add(new StepSpec(key, type(InstallTlsKey.class), h.name(), in, List.of(after, keySecret), SHORT, RetryPolicy.DEFAULT,
                new Compensation(type(InstallTlsKey.class), undo)));
        StepId files = StepId.of("gitlab-tls-files@" + h.name());
        steps.add(tlsFiles(files, h, GITLAB_SSL_DIR, Json.object().put(name + ".crt", t.certificatePem()).put("labforge-ca.crt", t.caPem()), key));
        return files;
    }

    /** R5, R6: what GitLab's host opens: http and https (omnibus redirects http), the URL's own port if it names one, the registry's. */
    static FirewallSpec gitlabOpenings(GitlabSpec g) {
        List<PortRange> ports = new ArrayList<>();
        int urlPort = java.net.URI.create(g.externalUrl()).getPort();
        if (urlPort > 0) {
            ports.add(new PortRange(urlPort, urlPort, "tcp"));
        }
        if (g.registryPort() != null) {
            ports.add(new PortRange(g.registryPort(), g.registryPort(), "tcp"));
        }
        return new FirewallSpec(null, ports, List.of("http", "https"));
    }

    static StepId hostnameStep(Host h) {
        return StepId.of("hostname@" + h.name());
    }

    static String type(Class<?> command) {
        return MessageTypes.of(command).name();
    }
}
