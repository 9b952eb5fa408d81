package io.labforge.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.messaging.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code labforge hosts status LAB}: one line per host, columns aligned, the exit status says whether all are online. */
class HostsStatusTest {
    @Test
    void eachHostOnALineWithItsStateAndTheCountOfThoseNotOnline() {
        var hosts = Json.read("""
                [{"name": "node1", "state": "online", "lastSeen": "2026-12-02T13:08:44.851Z", "agentVersion": "0.1.0"},
                 {"name": "a-longer-name", "state": "offline", "lastSeen": "2026-12-02T12:00:00Z", "agentVersion": "0.1.0"},
                 {"name": "ghost", "state": "never seen", "lastSeen": null, "agentVersion": null}]
                """);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int notOnline = HostsCommand.Status.print(hosts, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");

        assertThat(notOnline).isEqualTo(2);
        assertThat(lines).hasSize(4);
        assertThat(lines[0]).startsWith("HOST           STATE       LAST SEEN");
        assertThat(lines[3]).startsWith("ghost          never seen  -");
        // every column starts where its heading does
        for (String heading : new String[] {"STATE", "LAST SEEN", "AGENT"}) {
            int at = lines[0].indexOf(heading);
            for (int i = 1; i < lines.length; i++) {
                assertThat(lines[i].charAt(at - 1)).as(heading + " in line " + i).isEqualTo(' ');
                assertThat(lines[i].charAt(at)).as(heading + " in line " + i).isNotEqualTo(' ');
            }
        }
    }
}
