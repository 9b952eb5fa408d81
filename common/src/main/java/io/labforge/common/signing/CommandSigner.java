package io.labforge.common.signing;

import io.labforge.common.messaging.Envelope;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;

/** Signs commands with the orchestrator's Ed25519 key (the JDK's own provider: no extra library needed). */
public final class CommandSigner {
    private final PrivateKey key;

    public CommandSigner(PrivateKey key) {
        this.key = key;
    }

    public Envelope sign(Envelope envelope) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(envelope.signedBytes());
            return envelope.withSignature(Base64.getEncoder().encodeToString(s.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a command", e);
        }
    }
}
