package io.labforge.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code labforge swarm status LAB} and {@code labforge kubernetes status LAB} read the lab's cluster of their feature. */
class FeatureStatusCommandTest {
    static LabforgeCli.FeatureStatusCommand parse(String... args) {
        CommandLine.ParseResult r = new CommandLine(new LabforgeCli()).parseArgs(args);
        return (LabforgeCli.FeatureStatusCommand) r.subcommand().subcommand().commandSpec().userObject();
    }

    @Test
    void eachFeatureHasItsStatusCommandWithTheLabAndTheOrchestratorsUrl() {
        LabforgeCli.FeatureStatusCommand k = parse("kubernetes", "status", "k8s", "--url", "https://orchestrator.lab:8443");
        assertThat(k.feature()).isEqualTo("kubernetes");
        assertThat(k.lab).isEqualTo("k8s");
        assertThat(k.remote.url).isEqualTo("https://orchestrator.lab:8443");
        LabforgeCli.FeatureStatusCommand s = parse("swarm", "status", "swarm");
        assertThat(s.feature()).isEqualTo("swarm");
        assertThat(s.lab).isEqualTo("swarm");
    }
}
