package io.labforge.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.command.OrchestratorCommand;
import io.labforge.common.lab.secret.ReadSecret;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.step.StepEvent;
import io.labforge.orchestrator.local.LocalSteps;
import io.labforge.orchestrator.local.SecretStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code labforge secret}: the value from standard input only, kept mode 600, read by the orchestrator's secret step, never printed. */
class SecretCommandTest {
    @TempDir
    Path dir;

    int run(String stdin, String... args) {
        SecretCommand.in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        try {
            return new CommandLine(new SecretCommand()).execute(args);
        } finally {
            SecretCommand.in = System.in;
        }
    }

    @Test
    void aSecretSetFromStandardInputIsWhatTheOrchestratorReadsAndListingShowsNamesOnly() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int set;
        int list;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            set = run("glpat-from-stdin\n", "set", "GITLAB_TOKEN", "--state-dir", dir.toString());
            list = run("", "list", "--state-dir", dir.toString());
        } finally {
            System.setOut(saved);
        }
        assertThat(set).isZero();
        assertThat(list).isZero();
        Path f = dir.resolve("secrets/GITLAB_TOKEN");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.getParent()))).isEqualTo("rwx------");
        StepEvent.Succeeded read = (StepEvent.Succeeded) new LocalSteps(dir, k -> null).run(Envelope.of(new ReadSecret("GITLAB_TOKEN"),
                "lab", "saga", "s", 1, "orchestrator", null, Instant.now(), null, false));
        assertThat(read.outputs().get("value").asString()).isEqualTo("glpat-from-stdin");
        // the CLI prints where, never what (LabforgeCli.OUT is the System.out of its start, so only the list is checked here)
        assertThat(new SecretStore(dir, k -> null).names()).containsExactly("GITLAB_TOKEN");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("glpat-from-stdin");
        assertThat(run("", "set", "GITLAB_TOKEN", "--state-dir", dir.toString())).as("an empty value is refused").isNotZero();
        assertThat(run("x", "set", "lower-case", "--state-dir", dir.toString())).as("a bad name is refused").isNotZero();
        assertThat(run("", "rm", "GITLAB_TOKEN", "--state-dir", dir.toString())).isZero();
        assertThat(f).doesNotExist();
    }
}
