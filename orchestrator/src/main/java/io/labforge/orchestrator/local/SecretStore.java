package io.labforge.orchestrator.local;

import io.labforge.common.lab.secret.SecretRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The secrets a lab names ({@code {secret: NAME}}): the environment variable {@code LABFORGE_SECRET_<NAME>}
 * first, then the file {@code <state dir>/secrets/<NAME>} (directory 700, files 600). Values are never
 * printed; {@code labforge secret set} writes them from standard input.
 */
public final class SecretStore {
    private final Path dir;
    private final Function<String, String> env;

    public SecretStore(Path stateDir, Function<String, String> env) {
        this(env, stateDir.resolve("secrets"));
    }

    private SecretStore(Function<String, String> env, Path dir) {
        this.dir = dir;
        this.env = env;
    }

    /** The store whose files are in {@code dir} itself ({@code labforge.secrets-dir}). */
    public static SecretStore at(Path dir, Function<String, String> env) {
        return new SecretStore(env, dir);
    }

    public static String variable(String name) {
        return "LABFORGE_SECRET_" + name;
    }

    public Path file(String name) {
        return dir.resolve(check(name));
    }

    static String check(String name) {
        if (!SecretRef.isName(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a secret's name: capitals, digits and '_', e.g. GITLAB_TOKEN");
        }
        return name;
    }

    /** The value and where it came from, or empty. */
    public Optional<String[]> read(String name) throws IOException {
        String value = env.apply(variable(check(name)));
        if (value != null && !value.isEmpty()) {
            return Optional.of(new String[] {value, "the environment (" + variable(name) + ")"});
        }
        Path f = file(name);
        if (Files.isRegularFile(f)) {
            String v = Files.readString(f).strip();
            if (!v.isEmpty()) {
                return Optional.of(new String[] {v, f.toString()});
            }
        }
        return Optional.empty();
    }

    /** Writes a secret (mode 600, replacing atomically); the value is stripped of surrounding blank lines. */
    public Path write(String name, String value) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            throw new IllegalArgumentException("secret " + name + " is empty: give its value on standard input");
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path tmp = Files.createTempFile(dir, ".new-", "", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, v + "\n");
            return Files.move(tmp, file(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write secret " + name + " in " + dir, e);
        }
    }

    public boolean remove(String name) {
        try {
            return Files.deleteIfExists(file(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the secrets kept in files (values are not read). */
    public List<String> names() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(SecretRef::isName).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
