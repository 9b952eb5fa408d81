package io.labforge.agent.executor.firewall;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.messaging.Json;
import io.labforge.common.net.PortRange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * nftables where firewalld does not run: Labforge owns one table, {@code inet labforge}, whose input
 * chain drops what is not opened (ssh always stays open, so the agent's host is never cut off).
 * The openings are kept in {@code /etc/labforge/firewall.json}; the table is rendered from them to
 * {@code /etc/nftables.d/labforge.nft}, which {@code /etc/nftables.conf} includes at boot.
 */
final class Nftables implements FirewallBackend {
    static final String STATE = "/etc/labforge/firewall.json";
    static final String RULESET = "/etc/nftables.d/labforge.nft";
    static final String MAIN_CONF = "/etc/nftables.conf";
    /** firewalld service names the nftables backend knows. */
    static final Map<String, List<String>> SERVICES = Map.of(
            "ssh", List.of("22/tcp"), "http", List.of("80/tcp"), "https", List.of("443/tcp"),
            "dns", List.of("53/tcp", "53/udp"), "docker-registry", List.of("5000/tcp"),
            "docker-swarm", List.of("2377/tcp", "7946/tcp", "7946/udp", "4789/udp"),
            "prometheus", List.of("9090/tcp"), "kube-apiserver", List.of("6443/tcp"));

    private final StepContext ctx;

    Nftables(StepContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "nftables";
    }

    @Override
    public Set<String> ports(String zone) {
        return set(state(), zone, "ports");
    }

    @Override
    public Set<String> services(String zone) {
        return set(state(), zone, "services");
    }

    @Override
    public void add(String zone, Collection<String> ports, Collection<String> services) {
        update(zone, ports, services, true);
    }

    @Override
    public void remove(String zone, Collection<String> ports, Collection<String> services) {
        update(zone, ports, services, false);
    }

    private void update(String zone, Collection<String> ports, Collection<String> services, boolean add) {
        for (String s : services) {
            if (!SERVICES.containsKey(s)) {
                throw ExecutorException.refused("service '" + s + "' is unknown to the nftables backend (known: "
                        + new TreeMap<>(SERVICES).keySet() + "): open its ports instead");
            }
        }
        ObjectNode state = state();
        ObjectNode z = state.has(zone) ? (ObjectNode) state.get(zone) : state.putObject(zone);
        Set<String> p = set(state, zone, "ports");
        Set<String> s = set(state, zone, "services");
        if (add) {
            p.addAll(ports);
            s.addAll(services);
        } else {
            p.removeAll(ports);
            s.removeAll(services);
        }
        z.set("ports", Json.tree(List.copyOf(p)));
        z.set("services", Json.tree(List.copyOf(s)));
        Files2.write(ctx.root().path(STATE), Json.write(state) + "\n");
        String ruleset = render(state);
        Path file = ctx.root().path(RULESET);
        Files2.write(file, ruleset);
        ensureIncluded();
        if (ctx.root().isReal()) {
            if (!ProcessRunner.onPath("nft")) {
                throw ExecutorException.refused("neither firewalld runs nor is nft installed: install nftables or firewalld");
            }
            ctx.processes().require(List.of("nft", "-f", file.toString()), Duration.ofSeconds(30), ctx.progress());
        }
    }

    private void ensureIncluded() {
        Path conf = ctx.root().path(MAIN_CONF);
        String content = Files2.read(conf).orElse("#!/usr/sbin/nft -f\n");
        String include = "include \"" + RULESET + "\"";
        if (!content.contains(include)) {
            Files2.write(conf, content + (content.endsWith("\n") ? "" : "\n") + include + "\n");
        }
    }

    /** The whole table; the leading {@code table}/{@code delete table} pair makes loading it idempotent. */
    static String render(JsonNode state) {
        List<String> accepts = new ArrayList<>();
        Set<PortRange> ports = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> zone : state.properties()) {
            for (JsonNode p : zone.getValue().path("ports")) {
                ports.add(PortRange.parse(p.asString()));
            }
            for (JsonNode s : zone.getValue().path("services")) {
                SERVICES.getOrDefault(s.asString(), List.of()).forEach(x -> ports.add(PortRange.parse(x)));
            }
        }
        for (PortRange p : ports) {
            if (p.protocol().equals("tcp") && p.from() == 22 && p.to() == 22) {
                continue; // the fixed rule below keeps SSH open: listed once
            }
            String range = p.from() == p.to() ? Integer.toString(p.from()) : p.from() + "-" + p.to();
            accepts.add("    " + p.protocol() + " dport " + range + " accept");
        }
        return String.join("\n", List.of(
                "# Managed by Labforge: rendered from " + STATE + "; edits here are replaced.",
                "table inet labforge",
                "delete table inet labforge",
                "table inet labforge {",
                "  chain input {",
                "    type filter hook input priority filter; policy drop;",
                "    ct state established,related accept",
                "    ct state invalid drop",
                "    iifname \"lo\" accept",
                "    iifname { \"docker0\", \"docker_gwbridge\" } accept",
                "    meta l4proto { icmp, ipv6-icmp } accept",
                "    tcp dport 22 accept comment \"ssh stays open: the host must stay reachable\"")) + "\n"
                + (accepts.isEmpty() ? "" : String.join("\n", accepts) + "\n")
                + "  }\n}\n";
    }

    @Override
    public String rules(String zone) {
        if (ctx.root().isReal() && ProcessRunner.onPath("nft")) {
            return ctx.processes().require(List.of("nft", "list", "table", "inet", "labforge"), Duration.ofSeconds(30), null)
                    .output().strip();
        }
        return Files2.read(ctx.root().path(RULESET)).orElse("").strip();
    }

    private ObjectNode state() {
        return Files2.read(ctx.root().path(STATE)).map(s -> (ObjectNode) Json.read(s)).orElseGet(Json::object);
    }

    private static Set<String> set(ObjectNode state, String zone, String key) {
        Set<String> out = new LinkedHashSet<>();
        state.path(zone).path(key).forEach(n -> out.add(n.asString()));
        return out;
    }
}
