package io.labforge.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fleet is one agent per properties file, each with a host and a state of its own. */
class FleetTest {
    static void host(Path dir, String file, String host, String state) throws IOException {
        Files.writeString(dir.resolve(file), "labforge.agent.host-id=" + host + "\nlabforge.agent.orchestrator-public-key=k\n"
                + "labforge.agent.state-dir=" + state + "\nlabforge.agent.root=/tmp/hosts/" + host + "\n");
    }

    @Test
    void oneAgentPerFileInNameOrder(@TempDir Path dir) throws IOException {
        host(dir, "h2.properties", "h2", "/tmp/fleet/h2");
        host(dir, "h1.properties", "h1", "/tmp/fleet/h1");
        Files.writeString(dir.resolve("README"), "not a host");
        assertThat(Fleet.settings(dir)).extracting(AgentSettings::hostId).containsExactly("h1", "h2");
        assertThat(Fleet.settings(dir)).extracting(AgentSettings::root).containsExactly(Path.of("/tmp/hosts/h1"), Path.of("/tmp/hosts/h2"));
    }

    @Test
    void aHostTwiceASharedStateOrNoHostAtAllIsRefused(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> Fleet.settings(dir)).hasMessageContaining("holds no *.properties file");
        host(dir, "a.properties", "h1", "/tmp/fleet/a");
        host(dir, "b.properties", "h1", "/tmp/fleet/b");
        assertThatThrownBy(() -> Fleet.settings(dir)).hasMessageContaining("b.properties").hasMessageContaining("host h1 too");
        host(dir, "b.properties", "h2", "/tmp/fleet/a");
        assertThatThrownBy(() -> Fleet.settings(dir)).hasMessageContaining("is another host's");
    }
}
