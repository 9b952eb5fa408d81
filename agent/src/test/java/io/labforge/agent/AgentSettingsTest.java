package io.labforge.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent reads its settings itself: the file bootstrap writes, arguments over it, clear refusals. */
class AgentSettingsTest {
    @Test
    void theFileBootstrapWritesWithArgumentsWinningOverIt(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("agent.properties");
        Files.writeString(config, """
                # written by labforge hosts bootstrap
                labforge.agent.host-id=node1
                labforge.agent.bootstrap-servers=10.77.0.1:9093
                labforge.agent.orchestrator-public-key=MCowBQYDK2VwAyEA
                labforge.agent.state-dir=/var/lib/labforge-agent
                """);
        AgentSettings s = AgentSettings.fromArgs("--config=" + config, "--labforge.agent.heartbeat=2s");
        assertThat(s.hostId()).isEqualTo("node1");
        assertThat(s.bootstrapServers()).isEqualTo("10.77.0.1:9093");
        assertThat(s.orchestratorPublicKey()).isEqualTo("MCowBQYDK2VwAyEA");
        assertThat(s.stateDir()).isEqualTo(Path.of("/var/lib/labforge-agent"));
        assertThat(s.root()).isEqualTo(Path.of("/"));
        assertThat(s.heartbeat()).isEqualTo(Duration.ofSeconds(2));

        // the form the units of earlier versions pass, and arguments given before the file still win
        AgentSettings old = AgentSettings.fromArgs("--labforge.agent.host-id=node9", "--spring.config.additional-location=file:" + config);
        assertThat(old.hostId()).isEqualTo("node9");
        assertThat(old.heartbeat()).as("the default").isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void durationsInTheUsualForms() {
        assertThat(AgentSettings.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(AgentSettings.duration("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(AgentSettings.duration("PT15S")).isEqualTo(Duration.ofSeconds(15));
        assertThatThrownBy(() -> AgentSettings.duration("soon")).hasMessageContaining("labforge.agent.heartbeat 'soon'")
                .hasMessageContaining("10s");
    }

    @Test
    void aTypoAMissingHostOrAStrayArgumentIsRefusedNamingTheFix() {
        assertThatThrownBy(() -> AgentSettings.fromArgs("--labforge.agent.host-id=n1", "--labforge.agent.hearbeat=2s"))
                .hasMessageContaining("unknown setting labforge.agent.hearbeat").hasMessageContaining("heartbeat");
        assertThatThrownBy(() -> AgentSettings.fromArgs("--labforge.agent.root=/tmp/x"))
                .hasMessageContaining("labforge.agent.host-id is not set");
        assertThatThrownBy(() -> AgentSettings.fromArgs("node1")).hasMessageContaining("--config=FILE");
    }
}
