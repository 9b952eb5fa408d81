package io.labforge.agent.executor.kubernetes;

import io.labforge.agent.exec.Apt;
import io.labforge.agent.exec.Services;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.ConfigureContainerd;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * containerd on the host: its configuration for the kubelet, its restart, and the check that it (and
 * Docker, which runs on the same containerd on Debian) answers afterwards.
 */
final class Containerd {
    static final String FILE = "/etc/containerd/config.toml";
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._/-]{0,200}");
    private static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9._/:@-]{0,250}");
    private static final Duration READY = Duration.ofSeconds(60);

    private Containerd() {
    }

    /**
     * The whole file, in the version-2 format containerd 1.6 and 1.7 read (and 2.x migrates): CRI on (no
     * {@code disabled_plugins}), runc with the systemd cgroup driver as the kubelet's KubeletConfiguration
     * says, the CNI directories, the sandbox image.
     */
    static String config(ConfigureContainerd c) {
        for (String p : List.of(c.cniBinDir(), c.cniConfDir())) {
            if (p == null || !PATH.matcher(p).matches() || p.contains("..")) {
                throw ExecutorException.refused("'" + p + "' is not an absolute directory path");
            }
        }
        if (c.sandboxImage() != null && !IMAGE.matcher(c.sandboxImage()).matches()) {
            throw ExecutorException.refused("'" + c.sandboxImage() + "' is not an image reference");
        }
        String cri = "[plugins.\"io.containerd.grpc.v1.cri\"";
        return "# written by Labforge (R24): containerd for the kubelet, beside Docker; Labforge rewrites this file\n"
                + "version = 2\n\n"
                + "[plugins]\n"
                + "  " + cri + "]\n"
                + (c.sandboxImage() == null ? "" : "    sandbox_image = \"" + c.sandboxImage() + "\"\n")
                + "    " + cri + ".cni]\n"
                + "      bin_dir = \"" + c.cniBinDir() + "\"\n"
                + "      conf_dir = \"" + c.cniConfDir() + "\"\n"
                + "    " + cri + ".containerd]\n"
                + "      default_runtime_name = \"runc\"\n"
                + "      " + cri + ".containerd.runtimes.runc]\n"
                + "        runtime_type = \"io.containerd.runc.v2\"\n"
                + "        " + cri + ".containerd.runtimes.runc.options]\n"
                + "          SystemdCgroup = true\n"
                + "  [plugins.\"io.containerd.internal.v1.opt\"]\n"
                + "    path = \"/var/lib/containerd/opt\"\n";
    }

    static boolean installed(StepContext ctx) {
        return Files.exists(ctx.root().path("/usr/bin/containerd")) || Files.exists(ctx.root().path("/usr/sbin/containerd"));
    }

    static void install(StepContext ctx) {
        Apt.install("containerd", "containerd", ctx);
    }

    /** Restarts containerd, then waits until it answers and, where Docker runs, until Docker answers too. */
    static String restart(StepContext ctx) {
        String done = Services.restart("containerd", ctx);
        if (!ctx.root().isReal()) {
            return done;
        }
        await(ctx, List.of("ctr", "version"), "containerd");
        if (dockerRuns(ctx)) {
            await(ctx, List.of("docker", "info", "--format", "{{.ServerVersion}}"), "Docker");
            done += "; Docker answers";
        }
        return done;
    }

    private static boolean dockerRuns(StepContext ctx) {
        return ProcessRunner.onPath("docker") && Apt.systemd()
                && ctx.processes().run(List.of("systemctl", "is-active", "--quiet", "docker"), Duration.ofSeconds(10), l -> { }).ok();
    }

    private static void await(StepContext ctx, List<String> argv, String what) {
        long deadline = System.nanoTime() + READY.toNanos();
        ProcessRunner.Result r;
        do {
            r = ctx.processes().run(argv, Duration.ofSeconds(10), l -> { });
            if (r.ok()) {
                return;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ExecutorException("interrupted while waiting for " + what, true);
            }
        } while (System.nanoTime() < deadline);
        throw new ExecutorException(what + " does not answer " + READY.toSeconds() + " s after containerd's restart: " + r.output().strip()
                + " (see journalctl -u containerd)", true);
    }
}
