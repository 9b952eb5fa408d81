package io.labforge.orchestrator.audit;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.jackson.JsonFormat;
import io.labforge.common.messaging.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;

/**
 * The audit log offered to auditors in a standard envelope: each row as a CloudEvent 1.0 in the JSON event
 * format, made by the CloudEvents SDK, so a tool that reads CloudEvents needs no Labforge code. {@code id} is
 * the row's sequence number, {@code source} {@value #SOURCE}, {@code type} {@code io.labforge.audit.<action>}
 * (e.g. {@code io.labforge.audit.step.succeeded}), {@code time} when it was written, {@code subject} the host or
 * worker it is about (else its step); {@code data} is the row whole, its hash chain included, so the chain can be
 * checked from the events alone. The extensions {@code labforgelab} and {@code labforgesaga} let a router
 * filter by lab or saga.
 */
public final class AuditCloudEvents {
    public static final String SOURCE = "urn:labforge:audit";
    public static final String TYPE_PREFIX = "io.labforge.audit.";
    private static final EventFormat FORMAT = new JsonFormat();

    private AuditCloudEvents() {
    }

    public static CloudEvent event(AuditEntry e) {
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(Long.toString(e.seq()))
                .withSource(URI.create(SOURCE))
                .withType(TYPE_PREFIX + e.action())
                .withTime(e.at().atOffset(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .withData(Json.write(e).getBytes(StandardCharsets.UTF_8));
        String subject = e.target() != null ? e.target() : e.stepId();
        if (subject != null) {
            b.withSubject(subject);
        }
        if (e.labId() != null) {
            b.withExtension("labforgelab", e.labId());
        }
        if (e.sagaId() != null) {
            b.withExtension("labforgesaga", e.sagaId().toString());
        }
        return b.build();
    }

    /** One row as a structured-mode CloudEvent in JSON (one line: no line breaks inside). */
    public static String json(AuditEntry e) {
        return new String(FORMAT.serialize(event(e)), StandardCharsets.UTF_8);
    }
}
