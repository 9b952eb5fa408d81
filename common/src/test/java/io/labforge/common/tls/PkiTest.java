package io.labforge.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
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
}
