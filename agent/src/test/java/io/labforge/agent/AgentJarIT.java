package io.labforge.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's jar is minimized (only the classes its code reaches are kept): this runs {@link JarSmoke} on that
 * jar alone, so a class a library loads by name, and the jar left out, fails the build here.
 */
class AgentJarIT {
    @Test
    void theAgentsJarAloneStartsRunsACommandAndReadsItsFiles(@TempDir Path dir) throws Exception {
        Path jar = Path.of("target/labforge-agent-exec.jar");
        assertThat(jar).as("built by the package phase").exists();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                jar + ":" + Path.of("target/test-classes"), JarSmoke.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("agent jar: ok");
        assertThat(Files.readString(dir.resolve("root/etc/hostname"))).isEqualTo("node1\n");
    }
}
