package io.labforge.common.signing;

import io.labforge.common.messaging.Envelope;
import java.security.PublicKey;

/** A worker's check of a command: signed as the orchestrator, with the orchestrator's key. */
public final class CommandVerifier {
    private final EnvelopeVerifier key;

    public CommandVerifier(PublicKey key) {
        this.key = new EnvelopeVerifier(key);
    }

    /** True only for a signature made by the orchestrator's key, as the orchestrator, over exactly this envelope. */
    public boolean verify(Envelope envelope) {
        return EnvelopeSigner.ORCHESTRATOR.equals(envelope.signer()) && key.verify(envelope);
    }
}
