package io.labforge.agent.exec;

import io.labforge.common.exec.ExecutorException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/** Reading and atomically replacing host files. */
public final class Files2 {
    private Files2() {
    }

    public static Optional<String> read(Path p) {
        try {
            return Files.exists(p) ? Optional.of(Files.readString(p, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            throw new ExecutorException("cannot read " + p + ": " + e.getMessage(), true, e);
        }
    }

    /** Writes through a temporary file and a rename, so a crash never leaves half a file. */
    public static void write(Path p, String content) {
        write(p, content, null);
    }

    /**
     * The same, with the file's mode ({@code rw-------} form) set on the temporary file before the
     * content goes in: a key or token is never readable by others, not even for a moment.
     */
    public static void write(Path p, String content, String mode) {
        try {
            Files.createDirectories(p.getParent());
            Path tmp = p.resolveSibling("." + p.getFileName() + ".labforge.tmp");
            Files.deleteIfExists(tmp);
            if (mode == null) {
                Files.createFile(tmp);
            } else {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString(mode)));
                // the umask may have taken bits away (an executable's x): the mode asked for, exactly
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
            }
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // /etc/hosts in a container is a bind mount: it can be rewritten but not replaced
                if (mode != null) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
                }
                Files.writeString(p, content, StandardCharsets.UTF_8);
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new ExecutorException("cannot write " + p + ": " + e.getMessage(), true, e);
        }
    }

    /** A file put back as a step found it: {@code previous} its content, "" (or null) when there was none. */
    public static void restore(Path p, String previous) {
        if (previous == null || previous.isEmpty()) {
            delete(p);
        } else {
            write(p, previous);
        }
    }

    public static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
