package io.labforge.common.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;

class Ed25519KeysTest {
    private final byte[] message = "a command for node1".getBytes(StandardCharsets.UTF_8);

    @Test
    void jdkKeysBecomeBouncyCastleKeysThatSignAndVerifyAsTheJdkDoes() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, Ed25519Keys.privateKey(pair.getPrivate()));
        signer.update(message, 0, message.length);
        byte[] signature = signer.generateSignature();

        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initVerify(pair.getPublic());
        jdk.update(message);
        assertThat(jdk.verify(signature)).as("the JDK verifies what BouncyCastle signed with the converted key").isTrue();

        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, Ed25519Keys.publicKey(pair.getPublic()));
        verifier.update(message, 0, message.length);
        assertThat(verifier.verifySignature(signature)).isTrue();
        message[0] ^= 1;
        verifier.update(message, 0, message.length);
        assertThat(verifier.verifySignature(signature)).as("a changed message fails").isFalse();
    }

    @Test
    void otherKeysAreRefusedByName() throws Exception {
        KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
        assertThatThrownBy(() -> Ed25519Keys.privateKey(ec.getPrivate())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an Ed25519 private key");
        assertThatThrownBy(() -> Ed25519Keys.publicKey(ec.getPublic())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an Ed25519 public key");
    }
}
