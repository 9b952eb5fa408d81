package io.labforge.agent.executor.kubernetes;

import io.labforge.agent.exec.Apt;
import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.InstallKubernetesPackages;
import io.labforge.common.lab.kubernetes.RemoveKubernetesPackages;
import io.labforge.common.messaging.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Undoes a packages step: the kubelet stopped, what it installed unheld and purged, the repository's list as it was (and the keyring with it). */
public final class RemoveKubernetesPackagesExecutor extends DiffingExecutor<RemoveKubernetesPackages> {
    @Override
    public Class<RemoveKubernetesPackages> commandType() {
        return RemoveKubernetesPackages.class;
    }

    @Override
    protected Outcome run(RemoveKubernetesPackages c, StepContext ctx, boolean apply) {
        var installed = Apt.installed(ctx);
        List<String> remove = c.installed().stream().filter(InstallKubernetesPackages.PACKAGES::contains)
                .filter(installed::containsKey).toList();
        String now = Files2.read(ctx.root().path(AptRepository.LIST)).orElse("");
        String was = c.previousList() == null ? "" : c.previousList();
        List<String> diff = new ArrayList<>();
        if (!remove.isEmpty()) {
            diff.add("- apt-get purge " + String.join(" ", remove));
        }
        if (!now.equals(was)) {
            diff.add((was.isEmpty() ? "- " : "~ ") + AptRepository.LIST);
        }
        if (apply && !diff.isEmpty()) {
            if (!remove.isEmpty() && ctx.root().isReal()) {
                if (remove.contains("kubelet") && Apt.systemd()) {
                    ctx.processes().require(List.of("systemctl", "disable", "--now", "kubelet"), Duration.ofMinutes(1), ctx.progress());
                }
                List<String> unhold = new ArrayList<>(List.of("apt-mark", "unhold"));
                unhold.addAll(remove);
                ctx.processes().require(unhold, Duration.ofSeconds(30), ctx.progress());
                List<String> purge = new ArrayList<>(List.of("apt-get", "purge", "-y", "-q"));
                purge.addAll(remove);
                ctx.processes().require(purge, AptRepository.APT_ENV, Duration.ofMinutes(10), ctx.progress());
            }
            if (was.isEmpty()) {
                Files2.delete(ctx.root().path(AptRepository.LIST));
                Files2.delete(ctx.root().path(AptRepository.KEYRING));
            } else if (!now.equals(was)) {
                Files2.write(ctx.root().path(AptRepository.LIST), was, "rw-r--r--");
            }
        }
        return Outcome.of(!diff.isEmpty(), diff.isEmpty() ? "nothing to undo" : String.join("\n", diff), Json.object());
    }
}
