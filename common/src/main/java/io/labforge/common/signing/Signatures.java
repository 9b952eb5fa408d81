package io.labforge.common.signing;

import io.labforge.common.messaging.Envelope;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** The Ed25519 check of an envelope's signature ({@link EnvelopeVerifier} keeps the key converted). */
final class Signatures {
    private Signatures() {
    }

    static boolean verify(Envelope envelope, Ed25519PublicKeyParameters key) {
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
