package io.labforge.common.signing;

import io.labforge.common.messaging.Envelope;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/** Checks a command's Ed25519 signature against the orchestrator's public key. */
public final class CommandVerifier {
    private final PublicKey key;

    public CommandVerifier(PublicKey key) {
        this.key = key;
    }

    /** True only for a signature made by the orchestrator's key over exactly this envelope. */
    public boolean verify(Envelope envelope) {
        if (envelope.signature() == null || envelope.signature().isBlank()) {
            return false;
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(envelope.signedBytes());
            return s.verify(Base64.getDecoder().decode(envelope.signature()));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }
}
