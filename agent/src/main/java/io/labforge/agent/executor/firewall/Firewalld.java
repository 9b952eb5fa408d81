package io.labforge.agent.executor.firewall;

import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * firewalld through {@code firewall-cmd}. Every opening is made twice, permanent and runtime, and
 * never with {@code --reload}: a reload flushes Docker's iptables rules (MACHINE.md), and runtime-only
 * openings would vanish at the next one.
 */
final class Firewalld implements FirewallBackend {
    private static final Duration T = Duration.ofSeconds(60);
    private final StepContext ctx;

    Firewalld(StepContext ctx) {
        this.ctx = ctx;
    }

    static boolean running(StepContext ctx) {
        if (!ctx.root().isReal() || !ProcessRunner.onPath("firewall-cmd")) {
            return false;
        }
        return ctx.processes().run(List.of("firewall-cmd", "--state"), T, null).ok();
    }

    @Override
    public String name() {
        return "firewalld";
    }

    @Override
    public Set<String> ports(String zone) {
        return list(zone, "--list-ports");
    }

    @Override
    public Set<String> services(String zone) {
        return list(zone, "--list-services");
    }

    private Set<String> list(String zone, String what) {
        String out = ctx.processes().require(List.of("firewall-cmd", "--permanent", "--zone", zone, what), T, null)
                .output().strip();
        return out.isEmpty() ? new LinkedHashSet<>() : new LinkedHashSet<>(Arrays.asList(out.split("\\s+")));
    }

    @Override
    public void add(String zone, Collection<String> ports, Collection<String> services) {
        change(zone, ports, services, "--add-port", "--add-service");
    }

    @Override
    public void remove(String zone, Collection<String> ports, Collection<String> services) {
        change(zone, ports, services, "--remove-port", "--remove-service");
    }

    /**
     * One call per kind: firewall-cmd takes several {@code --add-port} (or several {@code --add-service})
     * at once, but refuses ports and services together ("not allowed with argument").
     */
    private void change(String zone, Collection<String> ports, Collection<String> services, String portOp, String serviceOp) {
        for (boolean permanent : new boolean[] {true, false}) {
            call(zone, permanent, ports, portOp);
            call(zone, permanent, services, serviceOp);
        }
    }

    private void call(String zone, boolean permanent, Collection<String> items, String op) {
        if (items.isEmpty()) {
            return;
        }
        List<String> argv = new ArrayList<>(List.of("firewall-cmd"));
        if (permanent) {
            argv.add("--permanent");
        }
        argv.addAll(List.of("--zone", zone));
        items.forEach(i -> argv.add(op + "=" + i));
        // not shown as progress: firewall-cmd answers each call (permanent, then runtime) with a bare "success";
        // a failure's output is in the error
        ctx.processes().require(argv, T, null);
    }

    @Override
    public String rules(String zone) {
        return ctx.processes().require(List.of("firewall-cmd", "--zone", zone, "--list-all"), T, null).output().strip();
    }
}
