package io.labforge.agent.exec;

import io.labforge.common.exec.ExecutorException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
        try {
            Files.createDirectories(p.getParent());
            Path tmp = p.resolveSibling("." + p.getFileName() + ".labforge.tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // /etc/hosts in a container is a bind mount: it can be rewritten but not replaced
                Files.writeString(p, content, StandardCharsets.UTF_8);
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new ExecutorException("cannot write " + p + ": " + e.getMessage(), true, e);
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
