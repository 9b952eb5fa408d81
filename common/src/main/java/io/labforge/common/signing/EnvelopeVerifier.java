package io.labforge.common.signing;

import io.labforge.common.messaging.Envelope;
import java.security.PublicKey;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/** Checks envelopes against one sender's public key (converted once: a receiver keeps one per sender). */
public final class EnvelopeVerifier {
    private final Ed25519PublicKeyParameters key;

    public EnvelopeVerifier(PublicKey key) {
        this.key = Ed25519Keys.publicKey(key);
    }

    /** True only for a signature made by this key's private half over exactly this envelope (its signer name included). */
    public boolean verify(Envelope envelope) {
        return Signatures.verify(envelope, key);
    }
}
