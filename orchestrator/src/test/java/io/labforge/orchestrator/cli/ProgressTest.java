package io.labforge.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.messaging.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void theSummaryListsTheLabsHostsThenTheServicesInColumnsThatLineUp() {
        String saga = """
                {"id": "s1", "status": "SUCCEEDED", "steps": [], "hosts": [
                  {"name": "orchestrator", "steps": 3, "succeeded": 3, "failed": 0},
                  {"name": "node1", "steps": 12, "succeeded": 12, "failed": 0},
                  {"name": "cluster-service", "steps": 2, "succeeded": 1, "failed": 1},
                  {"name": "a-longer-host-name", "steps": 12, "succeeded": 12, "failed": 0}]}
                """;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Progress(null, new PrintStream(bytes, true, StandardCharsets.UTF_8)).summary(Json.read(saga));

        List<String> rows = bytes.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("steps done")).toList();
        assertThat(rows).extracting(l -> l.strip().split(" +")[0])
                .containsExactly("node1", "a-longer-host-name", "orchestrator", "cluster-service");
        assertThat(rows.stream().map(l -> l.replaceAll("^(\\s+\\S+\\s+).*", "$1").length()).distinct())
                .as("the counts start in one column: " + rows).hasSize(1);
        assertThat(rows.get(2)).endsWith("(service)");
        assertThat(rows.get(3)).contains("1 failed").endsWith("(service)");
        assertThat(rows.get(0)).doesNotContain("(service)");
    }

    @Test
    void aPausedSagaSaysWhatToDoWhetherAFailureOrAnOperatorPausedIt() {
        String byFailure = summary("""
                {"id": "s2", "status": "PAUSED", "steps": [], "hosts": [{"name": "node1", "steps": 3, "succeeded": 1, "failed": 1}]}
                """);
        assertThat(byFailure).contains("Fix the host, then: labforge resume s2").contains("labforge compensate s2");
        String byRequest = summary("""
                {"id": "s3", "status": "PAUSED", "steps": [], "hosts": [{"name": "node1", "steps": 3, "succeeded": 1, "failed": 0}]}
                """);
        assertThat(byRequest).contains("Paused on request; go on with: labforge resume s3").doesNotContain("Fix the host");
    }

    static String summary(String saga) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Progress(null, new PrintStream(bytes, true, StandardCharsets.UTF_8)).summary(Json.read(saga));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
