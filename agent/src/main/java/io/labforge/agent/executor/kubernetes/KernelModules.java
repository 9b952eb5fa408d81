package io.labforge.agent.executor.kubernetes;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.StepContext;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Kernel modules on the host: Labforge's file in {@code /etc/modules-load.d} (systemd-modules-load reads
 * it at boot) and whether a module is present now. A module built into the kernel, or loaded by the
 * machine a container runs on, leaves no trace in {@code /proc/modules}; what it provides is the evidence.
 */
final class KernelModules {
    static final String FILE = "/etc/modules-load.d/labforge-kubernetes.conf";
    static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,64}");
    /** What a module provides once present, for the modules Kubernetes needs. */
    private static final Map<String, String> PROVIDES = Map.of("br_netfilter", "/proc/sys/net/bridge", "overlay", "/sys/module/overlay");

    private KernelModules() {
    }

    static String fileContent(List<String> modules) {
        StringBuilder s = new StringBuilder("# written by Labforge: kernel modules Kubernetes needs (R24), loaded at every boot\n");
        modules.forEach(m -> s.append(m).append('\n'));
        return s.toString();
    }

    /** Whether the module is loaded or built in (its entry in /sys/module, or what it provides). */
    static boolean present(StepContext ctx, String module) {
        if (Files.isDirectory(ctx.root().path("/sys/module/" + module))) {
            return true;
        }
        if (module.equals("overlay") && Files2.read(ctx.root().path("/proc/filesystems")).orElse("").contains("\toverlay")) {
            return true;
        }
        String evidence = PROVIDES.get(module);
        return evidence != null && Files.exists(ctx.root().path(evidence));
    }
}
