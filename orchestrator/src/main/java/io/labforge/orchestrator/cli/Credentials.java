package io.labforge.orchestrator.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The API token the CLI sends: {@code LABFORGE_TOKEN}, else the file {@code LABFORGE_TOKEN_FILE} names,
 * else {@code ~/.labforge/token} (where {@code labforge server} writes its first admin token). A token
 * file others may read is refused: a token is a password.
 */
final class Credentials {
    private Credentials() {
    }

    /** Where the CLI looks, for messages. */
    static final String WHERE = "LABFORGE_TOKEN, or a mode-600 file named by LABFORGE_TOKEN_FILE, or ~/.labforge/token";

    static Optional<String> token(Map<String, String> env, Path home) {
        String value = env.get("LABFORGE_TOKEN");
        if (value != null && !value.isBlank()) {
            return Optional.of(value.strip());
        }
        String named = env.get("LABFORGE_TOKEN_FILE");
        Path file = named != null && !named.isBlank() ? Path.of(named) : home.resolve("token");
        if (!Files.exists(file)) {
            if (named != null && !named.isBlank()) {
                throw new CliError("LABFORGE_TOKEN_FILE names " + file + ", which does not exist");
            }
            return Optional.empty();
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                throw new CliError(file + " may be read by others (a token is a password): chmod 600 " + file);
            }
            String text = Files.readString(file).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(text);
        } catch (IOException e) {
            throw new CliError("cannot read the token in " + file + ": " + e.getMessage());
        } catch (UnsupportedOperationException e) {
            throw new CliError("cannot check who may read " + file + " on this file system: use LABFORGE_TOKEN instead");
        }
    }
}
