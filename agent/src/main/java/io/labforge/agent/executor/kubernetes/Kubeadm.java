package io.labforge.agent.executor.kubernetes;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** kubeadm on the node: what it leaves where (kubernetes.io, "Implementation details"), and running it with a configuration file. */
final class Kubeadm {
    static final String ADMIN_CONF = "/etc/kubernetes/admin.conf";
    static final String KUBELET_CONF = "/etc/kubernetes/kubelet.conf";
    static final String CA = "/etc/kubernetes/pki/ca.crt";
    static final Duration LONG = Duration.ofMinutes(10);
    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");

    private Kubeadm() {
    }

    static boolean has(StepContext ctx, String path) {
        return Files.exists(ctx.root().path(path));
    }

    /**
     * Runs {@code kubeadm <verb> --config <file>} with the configuration in a file only root reads,
     * removed afterwards (a join's holds the token); {@code secrets} are masked in what kubeadm prints.
     */
    static void runWithConfig(StepContext ctx, String verb, String name, String config, List<String> secrets) {
        Path file = ctx.root().path(KubeadmConfig.DIR + "/" + name);
        Files2.write(file, config, "rw-------");
        try {
            if (!ctx.root().isReal()) {
                ctx.progress().accept("not run (the host root is a test directory): kubeadm " + verb + " --config " + file);
                return;
            }
            requireKubeadm();
            new ProcessRunner(secrets).require(List.of("kubeadm", verb, "--config", file.toString()), LONG, ctx.progress());
        } finally {
            if (!secrets.isEmpty()) {
                Files2.delete(file);
            }
        }
    }

    static void requireKubeadm() {
        if (!ProcessRunner.onPath("kubeadm")) {
            throw ExecutorException.refused("kubeadm is not installed: the packages step (R25) comes first");
        }
    }

    /** The home directory of a local account, from /etc/passwd; refused when there is no such account. */
    static String home(StepContext ctx, String user) {
        if (!USER.matcher(user).matches()) {
            throw ExecutorException.refused("'" + user + "' is not a user name");
        }
        for (String line : Files2.read(ctx.root().path("/etc/passwd")).orElse("").lines().toList()) {
            String[] f = line.split(":");
            if (f.length >= 6 && f[0].equals(user)) {
                return f[5];
            }
        }
        throw ExecutorException.refused("user " + user + " has no account on this host (kubernetes.user): create it, then resume");
    }

    /** The kubeconfigs Labforge gives: root's and the lab's user's, copies of admin.conf. */
    static List<String> kubeconfigs(StepContext ctx, String user) {
        List<String> paths = new ArrayList<>(List.of("/root/.kube/config"));
        if (user != null && !user.isBlank() && !user.equals("root")) {
            paths.add(home(ctx, user) + "/.kube/config");
        }
        return paths;
    }

    /** admin.conf copied for root and {@code user} (theirs, mode 600), as kubeadm init's own closing advice does. */
    static void giveKubeconfigs(StepContext ctx, String user) {
        String admin = Files2.read(ctx.root().path(ADMIN_CONF)).orElseThrow(
                () -> new ExecutorException("kubeadm init left no " + ADMIN_CONF, false));
        for (String path : kubeconfigs(ctx, user)) {
            Files2.write(ctx.root().path(path), admin, "rw-------");
            if (!path.startsWith("/root/") && ctx.root().isReal()) {
                String dir = path.substring(0, path.lastIndexOf('/'));
                ctx.processes().require(List.of("chown", "-R", user + ":", dir), Duration.ofSeconds(10), ctx.progress());
            }
        }
    }
}
