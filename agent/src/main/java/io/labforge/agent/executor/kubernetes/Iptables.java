package io.labforge.agent.executor.kubernetes;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * kube-proxy's ({@code KUBE-…}) and Calico's ({@code cali-…}, rules commented {@code cali:…}) iptables
 * rules and chains, removed after {@code kubeadm reset} as its documentation asks; every other rule
 * (Docker's, firewalld's) is written back as it was.
 */
final class Iptables {
    private static final Pattern KUBERNETES = Pattern.compile("KUBE-|cali-|cali:");
    private static final Duration QUICK = Duration.ofSeconds(30);

    private Iptables() {
    }

    /** An {@code iptables-save} dump without Kubernetes' chains and rules; the tables' headers and COMMIT lines stay. */
    static String withoutKubernetes(String dump) {
        StringBuilder out = new StringBuilder();
        dump.lines().filter(l -> !KUBERNETES.matcher(l).find()).forEach(l -> out.append(l).append('\n'));
        return out.toString();
    }

    /** For IPv4 and IPv6: restores the dump without Kubernetes' rules, when it had any. */
    static String removeKubernetes(StepContext ctx) {
        StringBuilder done = new StringBuilder();
        for (String family : List.of("iptables", "ip6tables")) {
            if (!ProcessRunner.onPath(family + "-save")) {
                continue;
            }
            String dump = ctx.processes().query(List.of(family + "-save"), QUICK);
            String kept = withoutKubernetes(dump);
            if (kept.equals(dump.endsWith("\n") ? dump : dump + "\n")) {
                continue;
            }
            var file = ctx.root().path("/var/lib/labforge/" + family + "-without-kubernetes.rules");
            Files2.write(file, kept, "rw-------");
            ctx.processes().require(List.of(family + "-restore", file.toString()), QUICK, ctx.progress());
            Files2.delete(file);
            done.append(done.length() == 0 ? "" : "; ").append(family).append(": Kubernetes' rules removed");
        }
        return done.length() == 0 ? "no iptables rules of Kubernetes" : done.toString();
    }
}
