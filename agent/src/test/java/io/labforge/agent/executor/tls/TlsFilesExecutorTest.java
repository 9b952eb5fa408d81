package io.labforge.agent.executor.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.tls.Pki;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsFilesExecutorTest {
    final KeyPair caKey = Pki.newKey();
    final X509Certificate ca = Pki.newCa(caKey, "CA", Duration.ofDays(100));
    final KeyPair host = Pki.newKey();

    X509Certificate sign(String cn, List<String> names) {
        return Pki.sign(Pki.csr(host, cn), ca, caKey.getPrivate(), cn, names, List.of("10.0.0.1"), Pki.Usage.SERVER,
                Duration.ofDays(90));
    }

    @Test
    void aFreshSignatureOfTheSameRequestIsEquivalentAnotherNameIsNot() {
        String installed = Pki.pem(sign("n1", List.of("n1", "n1.lab")));
        assertThat(Pki.equivalent(installed, sign("n1", List.of("n1", "n1.lab")))).isTrue();
        assertThat(Pki.equivalent(installed, sign("n1", List.of("n1")))).isFalse();
    }
}
