package io.labforge.common.signing;

import io.labforge.common.messaging.Envelope;
import java.security.PublicKey;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** Checks a command's Ed25519 signature against the orchestrator's public key. */
public final class CommandVerifier {
    private final Ed25519PublicKeyParameters key;

    public CommandVerifier(PublicKey key) {
        this.key = Ed25519Keys.publicKey(key);
    }

    /** True only for a signature made by the orchestrator's key over exactly this envelope. */
    public boolean verify(Envelope envelope) {
        if (envelope.signature() == null || envelope.signature().isBlank()) {
            return false;
        }
        byte[] sig;
        try {
            sig = Base64.getDecoder().decode(envelope.signature());
        } catch (IllegalArgumentException e) {
            return false;
        }
        Ed25519Signer s = new Ed25519Signer();
        s.init(false, key);
        byte[] bytes = envelope.signedBytes();
        s.update(bytes, 0, bytes.length);
        return s.verifySignature(sig);
    }
}
