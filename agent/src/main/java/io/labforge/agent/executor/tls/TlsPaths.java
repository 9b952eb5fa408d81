package io.labforge.agent.executor.tls;

import io.labforge.common.exec.ExecutorException;
import java.util.regex.Pattern;

/** Where TLS files may go: only under {@code /etc/}, plain file names only. */
public final class TlsPaths {
    private static final Pattern DIR = Pattern.compile("/etc/[a-z0-9][a-z0-9/_.-]{0,120}");
    private static final Pattern PUBLIC_FILE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,120}\\.(pem|crt)");
    private static final Pattern KEY_FILE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,120}\\.(pem|key)");

    private TlsPaths() {
    }

    public static String dir(String dir) {
        if (dir == null || !DIR.matcher(dir).matches() || dir.contains("..")) {
            throw ExecutorException.refused("'" + dir + "' is not a directory under /etc/ Labforge keeps TLS files in");
        }
        return dir;
    }

    /** A certificate's file name: a plain name ending .pem or .crt (no directory). */
    static String file(String name) {
        if (name == null || !PUBLIC_FILE.matcher(name).matches() || name.contains("..")) {
            throw ExecutorException.refused("'" + name + "' is not a certificate file name (a plain name ending .pem or .crt)");
        }
        return name;
    }

    /** A private key's file name: a plain name ending .pem or .key. */
    static String keyFile(String name) {
        if (name == null || !KEY_FILE.matcher(name).matches() || name.contains("..")) {
            throw ExecutorException.refused("'" + name + "' is not a key file name (a plain name ending .pem or .key)");
        }
        return name;
    }
}
