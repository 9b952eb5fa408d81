package io.labforge.agent.executor.kubernetes;

import io.labforge.agent.exec.Apt;
import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes apt repository as kubernetes.io's "Installing kubeadm" sets it up on Debian: the
 * prerequisites, the repository's {@code Release.key} dearmored into a keyring, a list file signed by it.
 */
final class AptRepository {
    static final String KEYRING = "/etc/apt/keyrings/kubernetes-apt-keyring.gpg";
    static final String LIST = "/etc/apt/sources.list.d/kubernetes.list";
    private static final String KEY_DOWNLOAD = "/var/lib/labforge/kubernetes-Release.key";
    static final Map<String, String> APT_ENV = Map.of("DEBIAN_FRONTEND", "noninteractive");

    private AptRepository() {
    }

    /** The list file's one line: the flat repository of the pinned minor release, signed by Labforge's keyring. */
    static String list(String url) {
        return "deb [signed-by=" + KEYRING + "] " + url + " /\n";
    }

    /** The prerequisites, then the key (downloaded, dearmored); argv only, the URL checked by the lab file's reader. */
    static void fetchKey(StepContext ctx, String url) {
        Map<String, String> installed = Apt.installed(ctx);
        List<String> missing = List.of("apt-transport-https", "ca-certificates", "curl", "gpg").stream()
                .filter(p -> !installed.containsKey(p)).toList();
        ProcessRunner p = ctx.processes();
        if (!missing.isEmpty()) {
            p.require(List.of("apt-get", "update", "-q"), APT_ENV, Duration.ofMinutes(10), ctx.progress());
            List<String> argv = new java.util.ArrayList<>(List.of("apt-get", "install", "-y", "-q"));
            argv.addAll(missing);
            p.require(argv, APT_ENV, Duration.ofMinutes(10), ctx.progress());
        }
        p.require(List.of("mkdir", "-p", "-m", "755", "/etc/apt/keyrings", "/var/lib/labforge"), Duration.ofSeconds(10), ctx.progress());
        ProcessRunner.Result key = p.run(List.of("curl", "-fsSL", "--retry", "3", "-o", KEY_DOWNLOAD, url + "Release.key"), Duration.ofMinutes(2),
                ctx.progress());
        if (!key.ok()) {
            throw new ExecutorException("cannot fetch the Kubernetes repository's key " + url + "Release.key (" + key.output().strip()
                    + "): this host must reach the repository; without the internet, set kubernetes.packageRepository to a mirror "
                    + "laid out like pkgs.k8s.io, then resume", true);
        }
        p.require(List.of("gpg", "--batch", "--yes", "--dearmor", "-o", KEYRING, KEY_DOWNLOAD), Duration.ofSeconds(30), ctx.progress());
        Files2.delete(ctx.root().path(KEY_DOWNLOAD));
    }
}
