package io.labforge.agent.executor.tls;

import io.labforge.common.exec.ExecutorException;
import java.util.Set;
import java.util.regex.Pattern;

/** Where TLS files may go: only under {@code /etc/}, only these names. */
public final class TlsPaths {
    private static final Pattern DIR = Pattern.compile("/etc/[a-z0-9][a-z0-9/_.-]{0,120}");
    static final Set<String> PUBLIC_FILES = Set.of("ca.pem", "cert.pem");

    private TlsPaths() {
    }

    public static String dir(String dir) {
        if (dir == null || !DIR.matcher(dir).matches() || dir.contains("..")) {
            throw ExecutorException.refused("'" + dir + "' is not a directory under /etc/ Labforge keeps TLS files in");
        }
        return dir;
    }

    static String file(String name) {
        if (!PUBLIC_FILES.contains(name)) {
            throw ExecutorException.refused("'" + name + "' is not one of the TLS files Labforge writes " + PUBLIC_FILES);
        }
        return name;
    }
}
