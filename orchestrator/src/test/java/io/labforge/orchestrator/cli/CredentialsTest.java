package io.labforge.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the CLI finds its API token, and the token files it refuses. */
class CredentialsTest {
    @TempDir
    Path home;

    Path tokenFile(String name, String perms, String content) throws Exception {
        Path f = home.resolve(name);
        Files.writeString(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
        return f;
    }

    @Test
    void theEnvironmentFirstThenTheNamedFileThenTheDefaultFile() throws Exception {
        tokenFile("token", "rw-------", "lf_default\n");
        Path named = tokenFile("ci.token", "r--------", "  lf_named \n");
        assertThat(Credentials.token(Map.of("LABFORGE_TOKEN", "lf_env", "LABFORGE_TOKEN_FILE", named.toString()), home)).contains("lf_env");
        assertThat(Credentials.token(Map.of("LABFORGE_TOKEN_FILE", named.toString()), home)).contains("lf_named");
        assertThat(Credentials.token(Map.of(), home)).contains("lf_default");
    }

    @Test
    void noTokenAnywhereIsNoTokenButANamedFileThatIsMissingIsAnError() {
        assertThat(Credentials.token(Map.of(), home)).isEmpty();
        assertThatThrownBy(() -> Credentials.token(Map.of("LABFORGE_TOKEN_FILE", home.resolve("nope").toString()), home))
                .hasMessageContaining("does not exist");
    }

    @Test
    void aTokenFileOthersMayReadIsRefusedWithTheFix() throws Exception {
        Path f = tokenFile("token", "rw-r--r--", "lf_x\n");
        assertThatThrownBy(() -> Credentials.token(Map.of(), home)).hasMessageContaining("may be read by others")
                .hasMessageContaining("chmod 600 " + f);
        tokenFile("token", "rw----r--", "lf_x\n");
        assertThatThrownBy(() -> Credentials.token(Map.of(), home)).hasMessageContaining("chmod 600");
    }
}
