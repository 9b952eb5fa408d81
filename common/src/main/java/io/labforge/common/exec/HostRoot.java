package io.labforge.common.exec;

import java.nio.file.Path;

/**
 * Where the host's files are. {@code /} in production. Another directory lets the agent be tested on
 * a machine it must not change: files are written under it, and commands that would change the
 * machine itself (restarting a daemon, loading firewall rules) are not run, and the diff says so.
 */
public record HostRoot(Path dir) {

    public static HostRoot system() {
        return new HostRoot(Path.of("/"));
    }

    public boolean isReal() {
        return dir.toAbsolutePath().normalize().equals(Path.of("/"));
    }

    /** The host path {@code /etc/hosts} under this root. */
    public Path path(String absolute) {
        if (!absolute.startsWith("/")) {
            throw new IllegalArgumentException("not an absolute path: " + absolute);
        }
        return dir.resolve(absolute.substring(1));
    }
}
