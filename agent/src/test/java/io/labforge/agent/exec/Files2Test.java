package io.labforge.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file written with a mode has exactly that mode, also when it replaces a file that had another. */
class Files2Test {
    @TempDir
    Path dir;

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void theModeIsTheOneAskedForWhetherTheFileIsNewOrReplaced() throws Exception {
        Path key = dir.resolve("ssl/k.key");
        Files2.write(key, "secret\n", "rw-------");
        assertThat(mode(key)).isEqualTo("rw-------");
        assertThat(Files.readString(key)).isEqualTo("secret\n");
        Path hook = dir.resolve("hooks/pre-receive");
        Files.createDirectories(hook.getParent());
        Files.writeString(hook, "old");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rw-r--r--"));
        Files2.write(hook, "#!/bin/sh\n", "rwxr-xr-x");
        assertThat(mode(hook)).isEqualTo("rwxr-xr-x");
        Files2.write(hook, "#!/bin/sh\nexit 0\n", "rw-------");
        assertThat(mode(hook)).isEqualTo("rw-------");
        assertThat(Files.list(hook.getParent())).containsExactly(hook); // no temporary file left
    }
}
