package io.labforge.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code labforge hosts bootstrap}: a {@code --public-key} that cannot be read is refused with its name before anything
 * else happens (no SSH, no API). The key checked against the orchestrator's, and the bootstrap itself, run in
 * {@code ReadmeDemoIT} and {@code RealHostsIT}.
 */
class HostsBootstrapTest {
    @Test
    void aPublicKeyFileThatCannotBeReadIsNamedBeforeAnyHostOrTheApiIsContacted(@TempDir Path dir) {
        Path missing = dir.resolve("orchestrator.pub");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            // the URL answers nothing and the lab's hosts have no SSH key here: the file is what is refused
            exit = LabforgeCli.commandLine().execute("hosts", "bootstrap", "../examples/local-lab.yaml", "--kafka", "10.77.0.1:9092",
                    "--public-key", missing.toString(), "--url", "http://127.0.0.1:1");
        } finally {
            System.setErr(saved);
        }
        assertThat(exit).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--public-key " + missing + ": cannot read it")
                .contains("leave --public-key out");
    }
}
