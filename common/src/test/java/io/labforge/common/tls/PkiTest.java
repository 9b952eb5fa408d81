package io.labforge.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PkiTest {
    final KeyPair caKey = Pki.newKey();
    final X509Certificate ca = Pki.newCa(caKey, "Test CA", Duration.ofDays(10));

    @Test
    void aHostsRequestIsSignedForTheNamesTheLabGives() throws Exception {
        KeyPair hostKey = Pki.newKey();
        String csr = Pki.csr(hostKey, "evil.example");

        X509Certificate cert = Pki.sign(csr, ca, caKey.getPrivate(), "node1.lab.test", List.of("node1.lab.test", "node1"),
                List.of("10.77.0.11"), Pki.Usage.SERVER, Duration.ofDays(30));

        cert.verify(ca.getPublicKey());
        assertThat(cert.getPublicKey()).isEqualTo(hostKey.getPublic());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=node1.lab.test");
        assertThat(cert.getSubjectAlternativeNames().toString()).contains("node1.lab.test", "10.77.0.11")
                .doesNotContain("evil");
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(Pki.certificate(Pki.pem(cert))).isEqualTo(cert);
        assertThat(Pki.keyPair(Pki.pem(hostKey.getPrivate())).getPublic()).isEqualTo(hostKey.getPublic());
    }

    @Test
    void aTamperedRequestIsRefused() {
        String csr = Pki.csr(Pki.newKey(), "node1");
        String broken = csr.replace(csr.substring(100, 104), "AAAA");
        assertThatThrownBy(() -> Pki.sign(broken, ca, caKey.getPrivate(), "n", List.of(), List.of(), Pki.Usage.CLIENT,
                Duration.ofDays(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void privateKeysAreReadInTheFormsOpensslAndKubeadmWriteWithTheJdksOwnProviders() throws Exception {
        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        KeyPair ec = Pki.newKey();
        KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String pkcs1 = Pki.pem(rsa.getPrivate());
        String sec1 = Pki.pem(ec.getPrivate());
        assertThat(pkcs1).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(sec1).startsWith("-----BEGIN EC PRIVATE KEY-----");

        for (KeyPair pair : List.of(rsa, ec)) {
            for (String pem : List.of(Pki.pem(pair.getPrivate()), Pki.pkcs8Pem(pair.getPrivate()))) {
                PrivateKey read = Pki.privateKey(pem);
                assertThat(secret(read)).isEqualTo(secret(pair.getPrivate()));
                assertThat(read.getClass().getName()).as("made by the JDK, not BouncyCastle's provider").startsWith("sun.security.");
                assertThat(verifies(pair.getPublic(), read)).isTrue();
            }
        }
        assertThat(Pki.privateKey(Pki.pkcs8Pem(ed.getPrivate())).getAlgorithm()).isIn("EdDSA", "Ed25519");
        // an EC key file alone gives the pair back (the PEM carries the public point)
        KeyPair again = Pki.keyPair(sec1);
        assertThat(again.getPublic().getEncoded()).isEqualTo(ec.getPublic().getEncoded());
        assertThat(verifies(again.getPublic(), ec.getPrivate())).isTrue();
        assertThatThrownBy(() -> Pki.keyPair(Pki.pkcs8Pem(ec.getPrivate()))).hasMessageContaining("not a PEM key pair");
        assertThatThrownBy(() -> Pki.privateKey(Pki.pem(ca))).hasMessageContaining("not a PEM private key");
    }

    private static boolean verifies(PublicKey key, PrivateKey with) throws Exception {
        String alg = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        Signature s = Signature.getInstance(alg);
        s.initSign(with);
        s.update(new byte[] {1, 2, 3});
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(alg);
        v.initVerify(key);
        v.update(new byte[] {1, 2, 3});
        return v.verify(sig);
    }

    /** A private key's secret number: encodings differ (an EC key read from SEC1 keeps its public point). */
    private static java.math.BigInteger secret(PrivateKey key) {
        return key instanceof java.security.interfaces.ECPrivateKey ec ? ec.getS()
                : ((java.security.interfaces.RSAPrivateKey) key).getPrivateExponent();
    }
}
