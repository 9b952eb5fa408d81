package io.labforge.orchestrator.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.labforge.common.messaging.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class AuditCloudEventsTest {
    final UUID saga = UUID.fromString("0b6f3a52-9a0e-4c53-9d32-2a3e0a5b7c11");
    final AuditEntry row = new AuditEntry(42, Instant.parse("2026-12-02T21:00:00.123Z"), "token:alice", "step.succeeded", "lab1", saga,
            "hostname@node1", "node1", Json.object().put("changed", true).put("diff", "- debian\n+ node1"), "node1", "a1b2", "c3d4");

    @Test
    void aRowIsACloudEventThatAnyCloudEventsReaderTakesWithTheRowWholeAsItsData() {
        String line = AuditCloudEvents.json(row);
        assertThat(line).doesNotContain("\n").as("one event per line");

        // read back by the SDK's own JSON format, as an auditor's tool would
        CloudEvent e = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE)
                .deserialize(line.getBytes(StandardCharsets.UTF_8));
        assertThat(e.getSpecVersion().toString()).isEqualTo("1.0");
        assertThat(e.getId()).isEqualTo("42");
        assertThat(e.getSource().toString()).isEqualTo(AuditCloudEvents.SOURCE);
        assertThat(e.getType()).isEqualTo("io.labforge.audit.step.succeeded");
        assertThat(e.getTime().toInstant()).isEqualTo(row.at());
        assertThat(e.getTime().getOffset()).isEqualTo(ZoneOffset.UTC);
        assertThat(e.getSubject()).isEqualTo("node1");
        assertThat(e.getExtension("labforgesaga")).isEqualTo(saga.toString());
        assertThat(e.getExtension("labforgelab")).isEqualTo("lab1");
        assertThat(e.getDataContentType()).isEqualTo("application/json");

        // the data is the row, hash chain included: the chain can be checked from the events alone
        JsonNode data = Json.read(new String(e.getData().toBytes(), StandardCharsets.UTF_8));
        assertThat(data).isEqualTo(Json.read(Json.write(row)));
        assertThat(data.get("prevHash").asString()).isEqualTo("a1b2");
        assertThat(data.get("hash").asString()).isEqualTo("c3d4");
        // structured mode, JSON data inline (not base64), as the JSON event format writes JSON content
        assertThat(Json.read(line).get("data").get("detail").get("changed").asBoolean()).isTrue();
    }

    @Test
    void aRowAboutNoHostHasItsStepAsSubjectAndOneOfNoSagaNoSagaExtension() {
        AuditEntry tokenMade = new AuditEntry(7, Instant.parse("2026-12-02T21:00:00Z"), "token:admin", "token.created", null, null,
                null, null, Json.object(), null, "x", "y");
        CloudEvent e = AuditCloudEvents.event(tokenMade);
        assertThat(e.getSubject()).isNull();
        assertThat(e.getExtensionNames()).doesNotContain("labforgesaga", "labforgelab");
        AuditEntry stepOnly = new AuditEntry(8, Instant.parse("2026-12-02T21:00:00Z"), "system", "step.dispatched", "lab1", saga,
                "swarm-init@manager1", null, Json.object(), null, "x", "y");
        assertThat(AuditCloudEvents.event(stepOnly).getSubject()).isEqualTo("swarm-init@manager1");
    }
}
