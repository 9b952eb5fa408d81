package io.labforge.agent.executor.sysctl;

import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.sysctl.SysctlSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kernel parameters on the host: Labforge's own file in {@code /etc/sysctl.d} (read at every boot) and the
 * running values in {@code /proc/sys}, which is what {@code sysctl -w} writes too. Under a test root both
 * are files under it.
 */
final class Sysctls {
    static final String FILE = "/etc/sysctl.d/90-labforge.conf";
    /** Larger than any sysctl value (the kernel's own limit for one is a page). */
    private static final int MAX_VALUE = 4096;

    private Sysctls() {
    }

    static String fileContent(Map<String, String> values) {
        StringBuilder s = new StringBuilder("# written by Labforge: the lab's kernel parameters, applied at every boot\n");
        new TreeMap<>(values).forEach((k, v) -> s.append(k).append(" = ").append(v).append('\n'));
        return s.toString();
    }

    static Path file(StepContext ctx) {
        return ctx.root().path(FILE);
    }

    /** {@code net.ipv4.ip_forward} → {@code /proc/sys/net/ipv4/ip_forward} (a checked name: dotted words, no path). */
    static Path proc(StepContext ctx, String key) {
        if (!SysctlSpec.isKey(key)) {
            throw ExecutorException.refused("'" + key + "' is not a kernel parameter's name");
        }
        return ctx.root().path("/proc/sys/" + key.replace('.', '/'));
    }

    /**
     * The running value, whitespace as sysctl prints it (tabs become spaces); "" when the kernel has no such
     * parameter. Read in one read from offset 0: a sysctl file answers a read at a later offset with
     * end-of-file, so Java's {@code Files.readString}, which reads a file of size 0 a byte at a time,
     * sees only its first character (found by RealHostsIT: 7200 read as 7).
     */
    static String running(StepContext ctx, String key) {
        Path p = proc(ctx, key);
        if (!Files.exists(p)) {
            return "";
        }
        try (InputStream in = Files.newInputStream(p)) {
            return new String(in.readNBytes(MAX_VALUE), StandardCharsets.US_ASCII).strip().replaceAll("\\s+", " ");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }

    /**
     * Sets a running value. On a real host through {@code sysctl -w} (argv, no shell), the tool of the
     * field: the parameter must exist (its module loaded). In a test root the file under it is written.
     */
    static void set(StepContext ctx, String key, String value) {
        Path p = proc(ctx, key);
        if (ctx.root().isReal()) {
            if (!Files.exists(p)) {
                throw ExecutorException.refused("the kernel has no parameter " + key + " (" + p + "): load the module that provides it, "
                        + "e.g. br_netfilter for net.bridge.*");
            }
            ctx.processes().require(List.of("sysctl", "-w", key + "=" + value), Duration.ofSeconds(10), ctx.progress());
            return;
        }
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, value + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set " + key + " in " + p, e);
        }
    }
}
