package io.labforge.agent.executor.kubernetes;

import io.labforge.agent.exec.Apt;
import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.InstallKubernetesPackages;
import io.labforge.common.messaging.Json;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ObjectNode;

/**
 * R25: the repository of the pinned minor release, then kubelet, kubeadm and kubectl installed and held
 * ({@code apt-mark hold}: an upgrade of a cluster is kubeadm's job, not apt's), the kubelet enabled.
 * A package installed from another minor release is refused: apt would not change it, and a cluster of
 * mixed versions is not what the lab says.
 */
public final class InstallKubernetesPackagesExecutor extends DiffingExecutor<InstallKubernetesPackages> {
    private static final Pattern VERSION = Pattern.compile("1\\.\\d{1,2}");

    @Override
    public Class<InstallKubernetesPackages> commandType() {
        return InstallKubernetesPackages.class;
    }

    @Override
    protected Outcome run(InstallKubernetesPackages c, StepContext ctx, boolean apply) {
        if (!VERSION.matcher(String.valueOf(c.version())).matches()) {
            throw ExecutorException.refused("'" + c.version() + "' is not a minor release such as 1.35");
        }
        String url = c.url();
        String list = AptRepository.list(url);
        String before = Files2.read(ctx.root().path(AptRepository.LIST)).orElse("");
        boolean repo = !before.equals(list) || !Files.exists(ctx.root().path(AptRepository.KEYRING));
        List<String> missing = new ArrayList<>();
        Map<String, String> installed = Apt.installed(ctx);
        for (String p : InstallKubernetesPackages.PACKAGES) {
            String v = installed.get(p);
            if (v == null) {
                missing.add(p);
            } else if (!v.startsWith(c.version() + ".")) {
                throw ExecutorException.refused(p + " " + v + " is installed and the lab pins Kubernetes " + c.version() + ": upgrade the node "
                        + "as kubeadm's documentation says (kubeadm upgrade), or pin " + v.substring(0, v.indexOf('.', 2)));
            }
        }
        List<String> diff = new ArrayList<>();
        if (repo) {
            diff.add((before.isEmpty() ? "+ " : "~ ") + AptRepository.LIST + " (" + url + ", key " + AptRepository.KEYRING + ")");
        }
        if (!missing.isEmpty()) {
            diff.add("+ apt-get install " + String.join(" ", missing) + "; apt-mark hold kubelet kubeadm kubectl");
        }
        if (apply && !diff.isEmpty()) {
            if (repo && ctx.root().isReal()) {
                AptRepository.fetchKey(ctx, url);
            }
            Files2.write(ctx.root().path(AptRepository.LIST), list, "rw-r--r--");
            if (!missing.isEmpty() && ctx.root().isReal()) {
                install(ctx, missing);
            }
        }
        ObjectNode out = Json.object().put(InstallKubernetesPackages.PREVIOUS_LIST.name(), before);
        out.set(InstallKubernetesPackages.INSTALLED.name(), Json.tree(missing));
        return Outcome.of(!diff.isEmpty(), diff.isEmpty() ? "kubelet, kubeadm and kubectl " + c.version() + " installed and held"
                : String.join("\n", diff), out);
    }

    private static void install(StepContext ctx, List<String> missing) {
        var p = ctx.processes();
        p.require(List.of("apt-get", "update", "-q"), AptRepository.APT_ENV, Duration.ofMinutes(10), ctx.progress());
        List<String> argv = new ArrayList<>(List.of("apt-get", "install", "-y", "-q"));
        argv.addAll(missing);
        p.require(argv, AptRepository.APT_ENV, Duration.ofMinutes(20), ctx.progress());
        List<String> hold = new ArrayList<>(List.of("apt-mark", "hold"));
        hold.addAll(InstallKubernetesPackages.PACKAGES);
        p.require(hold, Duration.ofSeconds(30), ctx.progress());
        if (Apt.systemd()) {
            p.require(List.of("systemctl", "enable", "--now", "kubelet"), Duration.ofMinutes(1), ctx.progress());
        }
    }
}
