package io.labforge.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code labforge server}: its options become the orchestrator's settings; Spring's own pass through as --name=value. */
class ServerCommandTest {

    static ServerCommand parse(String... args) {
        ServerCommand c = new ServerCommand();
        new CommandLine(c).parseArgs(args);
        return c;
    }

    @Test
    void optionsAndSpringSettingsBecomeTheOrchestratorsArguments() {
        assertThat(parse("--port", "9090", "--bind", "0.0.0.0", "--kafka", "kafka:9093", "--instance", "orch-2",
                "--state-dir", "/var/lib/labforge", "--labforge.tick=100ms").springArguments())
                .containsExactly("--server.port=9090", "--server.address=0.0.0.0", "--labforge.bootstrap-servers=kafka:9093",
                        "--labforge.state-dir=" + Path.of("/var/lib/labforge"), "--labforge.instance=orch-2", "--labforge.tick=100ms");
        assertThat(parse("--server.port=8181").springArguments()).containsExactly("--server.port=8181");
        assertThat(parse().springArguments()).isEmpty();
    }

    @Test
    void aBadPortOrAStrayArgumentIsAnErrorThatSaysWhatToGive() {
        assertThatThrownBy(() -> parse("--port", "70000").springArguments()).isInstanceOf(CliError.class).hasMessageContaining("1-65535");
        assertThatThrownBy(() -> parse("serve").springArguments()).isInstanceOf(CliError.class)
                .hasMessageContaining("'serve'").hasMessageContaining("--name=value");
    }
}
