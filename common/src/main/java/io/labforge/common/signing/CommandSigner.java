package io.labforge.common.signing;

import io.labforge.common.messaging.Envelope;
import java.security.PrivateKey;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** Signs commands with the orchestrator's Ed25519 key. */
public final class CommandSigner {
    private final Ed25519PrivateKeyParameters key;

    public CommandSigner(PrivateKey key) {
        this.key = Ed25519Keys.privateKey(key);
    }

    public Envelope sign(Envelope envelope) {
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, key);
        byte[] bytes = envelope.signedBytes();
        s.update(bytes, 0, bytes.length);
        return envelope.withSignature(Base64.getEncoder().encodeToString(s.generateSignature()));
    }
}
