package io.labforge.common.signing;

import io.labforge.common.messaging.Envelope;
import java.security.PrivateKey;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Signs what one sender puts on Kafka with its Ed25519 key, under its name: the orchestrator its
 * commands, an agent or a service its step events and presence.
 */
public final class EnvelopeSigner {
    /** The name the orchestrator signs as; no worker may use it. */
    public static final String ORCHESTRATOR = "orchestrator";

    private final String name;
    private final Ed25519PrivateKeyParameters key;

    public EnvelopeSigner(String name, PrivateKey key) {
        this.name = name;
        this.key = Ed25519Keys.privateKey(key);
    }

    /** The orchestrator's signer. */
    public static EnvelopeSigner orchestrator(PrivateKey key) {
        return new EnvelopeSigner(ORCHESTRATOR, key);
    }

    public String name() {
        return name;
    }

    public Envelope sign(Envelope envelope) {
        Envelope named = envelope.withSigner(name);
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, key);
        byte[] bytes = named.signedBytes();
        s.update(bytes, 0, bytes.length);
        return named.withSignature(Base64.getEncoder().encodeToString(s.generateSignature()));
    }
}
