package io.labforge.common.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * What travels on every Labforge topic. {@code type} and {@code version} are the payload's logical
 * name ({@link Message}); the payload is JSON so a worker can refuse a type it does not know
 * without failing to decode the envelope.
 *
 * <p>Version 1. {@code dryRun} asks an executor for {@code check} only (plan mode). {@code signer} names
 * who signed it ({@code orchestrator}, a host, a service) and {@code signature} is that sender's
 * Ed25519 signature over every other field: a receiver checks both against the key it holds for that
 * name.
 */
public record Envelope(
        UUID messageId,
        String type,
        int version,
        String labId,
        String sagaId,
        String stepId,
        int attempt,
        String target,
        UUID causationId,
        Instant issuedAt,
        Instant deadline,
        boolean dryRun,
        JsonNode payload,
        String signer,
        String signature) {

    /** Builds an unsigned envelope around a {@link Message}-annotated payload. */
    public static Envelope of(Object payload, String labId, String sagaId, String stepId, int attempt,
            String target, UUID causationId, Instant issuedAt, Instant deadline, boolean dryRun) {
        MessageTypes.Type t = MessageTypes.typeOf(payload.getClass());
        return new Envelope(UUID.randomUUID(), t.name(), t.version(), labId, sagaId, stepId, attempt, target,
                causationId, issuedAt, deadline, dryRun, Json.tree(payload), null, null);
    }

    public Envelope withSignature(String newSignature) {
        return new Envelope(messageId, type, version, labId, sagaId, stepId, attempt, target, causationId,
                issuedAt, deadline, dryRun, payload, signer, newSignature);
    }

    /** This envelope as {@code newSigner} sends it, not yet signed. */
    public Envelope withSigner(String newSigner) {
        return new Envelope(messageId, type, version, labId, sagaId, stepId, attempt, target, causationId,
                issuedAt, deadline, dryRun, payload, newSigner, null);
    }

    public Envelope withPayload(JsonNode newPayload) {
        return new Envelope(messageId, type, version, labId, sagaId, stepId, attempt, target, causationId,
                issuedAt, deadline, dryRun, newPayload, signer, signature);
    }

    /** The bytes a signature covers: every field but the signature, payload in canonical JSON. */
    public byte[] signedBytes() {
        String text = String.join("\n",
                String.valueOf(messageId), type, Integer.toString(version), String.valueOf(labId),
                String.valueOf(sagaId), String.valueOf(stepId), Integer.toString(attempt), String.valueOf(target),
                String.valueOf(causationId), String.valueOf(issuedAt), String.valueOf(deadline),
                Boolean.toString(dryRun), String.valueOf(signer), Json.canonical(payload));
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public byte[] toBytes() {
        return Json.MAPPER.writeValueAsBytes(this);
    }

    public static Envelope fromBytes(byte[] bytes) {
        return Json.MAPPER.readValue(bytes, Envelope.class);
    }
}
