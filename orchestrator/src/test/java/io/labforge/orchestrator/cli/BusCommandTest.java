package io.labforge.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.tls.Pki;
import io.labforge.orchestrator.trust.BusCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code labforge bus broker-credentials}: a broker's key and certificate from the orchestrator's bus CA, for the names given. */
class BusCommandTest {
    @TempDir
    Path dir;

    @Test
    void theBrokersCertificateIsTheBusCasForItsNamesAndItsKeyIsPrivate() throws Exception {
        Path state = dir.resolve("state");
        Path out = dir.resolve("tls");
        int rc = new CommandLine(new BusCommand()).execute("broker-credentials", "--name", "kafka", "--name", "10.77.0.1",
                "--state-dir", state.toString(), "--out", out.toString());
        assertThat(rc).isZero();

        String pem = Files.readString(out.resolve("broker.pem"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("broker.pem")))).isEqualTo("rw-------");
        X509Certificate cert = Pki.certificate(pem.substring(pem.indexOf("-----BEGIN CERTIFICATE-----")));
        X509Certificate ca = Pki.certificate(Files.readString(out.resolve("ca.crt")));
        cert.verify(ca.getPublicKey());
        assertThat(ca).isEqualTo(Pki.certificate(Files.readString(state.resolve(BusCa.CERT))));
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=" + BusCa.BROKER);
        assertThat(cert.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList())
                .containsExactlyInAnyOrder("kafka", "10.77.0.1");
        // the key is PKCS#8, as Kafka's PEM key store reads it, and it is the certificate's
        String key = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END PRIVATE KEY-----"));
        var priv = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(key)));
        assertThat(priv.getAlgorithm()).isEqualTo("EC");
        assertThat(Files.readString(out.resolve("server.properties.fragment"))).contains("ssl.client.auth=required",
                "StandardAuthorizer", "allow.everyone.if.no.acl.found=false");
        assertThat(List.of(cert.getExtendedKeyUsage().toArray())).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    }
}
