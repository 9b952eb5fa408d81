package io.labforge.orchestrator.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.command.OrchestratorCommand;
import io.labforge.common.lab.secret.ReadSecret;
import io.labforge.common.lab.tls.LabCaCertificate;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.step.StepEvent;
import io.labforge.common.tls.Pki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The orchestrator's own steps: a lab's named secrets (environment first, then the state directory), the lab's CA. */
class LocalStepsTest {
    @TempDir
    Path dir;

    static Envelope cmd(Object payload, boolean dryRun) {
        return Envelope.of(payload, "lab1", "saga1", "s@orchestrator", 1, "orchestrator", null, Instant.now(), null, dryRun);
    }

    @Test
    void aSecretComesFromTheEnvironmentOrItsFileAsASecretOutputAndAMissingOneNamesBothPlaces() throws Exception {
        LocalSteps env = new LocalSteps(dir, Map.of("LABFORGE_SECRET_GITLAB_TOKEN", "glpat-from-env")::get);
        StepEvent.Succeeded fromEnv = (StepEvent.Succeeded) env.run(cmd(new ReadSecret("GITLAB_TOKEN"), false));
        assertThat(fromEnv.outputs().get("value").asString()).isEqualTo("glpat-from-env");
        assertThat(fromEnv.secretOutputs()).containsExactly("value");
        assertThat(fromEnv.diff()).doesNotContain("glpat-from-env").contains("LABFORGE_SECRET_GITLAB_TOKEN");

        LocalSteps files = new LocalSteps(dir, k -> null);
        StepEvent.Failed missing = (StepEvent.Failed) files.run(cmd(new ReadSecret("GITLAB_TOKEN"), false));
        assertThat(missing.reason()).contains(dir.resolve("secrets/GITLAB_TOKEN").toString(), "LABFORGE_SECRET_GITLAB_TOKEN");
        assertThat(missing.retryable()).isFalse();

        Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(dir.resolve("secrets/GITLAB_TOKEN"), "glpat-from-file\n");
        StepEvent.Succeeded fromFile = (StepEvent.Succeeded) files.run(cmd(new ReadSecret("GITLAB_TOKEN"), false));
        assertThat(fromFile.outputs().get("value").asString()).isEqualTo("glpat-from-file");
        // a plan reads it as well (its checks use it), still as a secret output
        StepEvent.Succeeded planned = (StepEvent.Succeeded) files.run(cmd(new ReadSecret("GITLAB_TOKEN"), true));
        assertThat(planned.secretOutputs()).containsExactly("value");
        assertThat(planned.diff()).doesNotContain("glpat-from-file");
    }

    @Test
    void withASecretsDirectoryOfItsOwnTheOrchestratorReadsWhatLabforgeSecretSetKeptThere() throws Exception {
        // the demo: its state directory is remade at each start, its secrets are the CLI's (~/.labforge/secrets)
        Path cliStore = dir.resolve("home/.labforge/secrets");
        SecretStore.at(cliStore, k -> null).write("GITLAB_TOKEN", "glpat-kept-by-the-cli");
        LocalSteps demo = new LocalSteps(dir.resolve("demo/orchestrator"), cliStore, k -> null);

        StepEvent.Succeeded read = (StepEvent.Succeeded) demo.run(cmd(new ReadSecret("GITLAB_TOKEN"), false));
        assertThat(read.outputs().get("value").asString()).isEqualTo("glpat-kept-by-the-cli");
        StepEvent.Failed missing = (StepEvent.Failed) demo.run(cmd(new ReadSecret("OTHER_TOKEN"), false));
        assertThat(missing.reason()).as("the fix it prints writes where it reads").contains(cliStore.resolve("OTHER_TOKEN").toString());
    }

    @Test
    void theLabCaCertificateIsTheSameTheLabsCertificatesAreSignedBy() {
        LocalSteps steps = new LocalSteps(dir, k -> null);
        StepEvent.Succeeded ca = (StepEvent.Succeeded) steps.run(cmd(new LabCaCertificate(), false));
        assertThat(ca.outputs().get("ca").asString()).startsWith("-----BEGIN CERTIFICATE-----")
                .isEqualTo(Pki.pem(LabCa.forLab(dir, "lab1").certificate()));
    }
}
