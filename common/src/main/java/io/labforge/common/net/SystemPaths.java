package io.labforge.common.net;

import java.nio.file.Path;
import java.util.List;

/**
 * Directories a host's system lives in: a volume mounted there (or Docker's data kept there) would hide
 * or fill what the host runs on. Inside the first group nothing may go; the second may hold a mount
 * below it ({@code /var/lib/docker}, {@code /srv/data}) but not be one.
 */
public final class SystemPaths {
    private static final List<String> NOTHING_INSIDE = List.of("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32",
            "/proc", "/run", "/sbin", "/sys", "/usr");
    private static final List<String> NOT_ITSELF = List.of("/", "/var", "/var/lib", "/home", "/root", "/tmp");

    private SystemPaths() {
    }

    /** Whether {@code path} (absolute) is a system directory or inside one where nothing may go. */
    public static boolean isSystem(String path) {
        String p = Path.of(path).normalize().toString();
        if (NOT_ITSELF.contains(p)) {
            return true;
        }
        return NOTHING_INSIDE.stream().anyMatch(d -> p.equals(d) || p.startsWith(d + "/"));
    }
}
