package io.labforge.orchestrator.trust;

import io.labforge.common.messaging.Bus;
import io.labforge.common.tls.Pki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Labforge's certificate authority for Kafka, kept by the orchestrator in its state directory
 * ({@code bus-ca.key}, mode 600, and {@code bus-ca.crt}); made on first use. It signs the broker's
 * certificate and each worker's, whose common name is the principal the broker's ACLs name: the
 * worker's name and an id of its TLS key ({@code node1.3f9c2a71d04b}), so a replaced key's old
 * certificate names a principal with no rights left.
 */
public final class BusCa {
    public static final String KEY = "bus-ca.key";
    public static final String CERT = "bus-ca.crt";
    /** The broker's principal (its certificate serves its listeners and speaks to its controller). */
    public static final String BROKER = "broker";
    private static final Pattern IP = Pattern.compile("[0-9.]+|.*:.*");

    private final KeyPair key;
    private final X509Certificate cert;

    private BusCa(KeyPair key, X509Certificate cert) {
        this.key = key;
        this.cert = cert;
    }

    public static synchronized BusCa loadOrCreate(Path stateDir) {
        Path keyFile = stateDir.resolve(KEY);
        Path certFile = stateDir.resolve(CERT);
        try {
            if (Files.exists(keyFile) && Files.exists(certFile)) {
                return new BusCa(Pki.keyPair(Files.readString(keyFile)), Pki.certificate(Files.readString(certFile)));
            }
            KeyPair k = Pki.newKey();
            X509Certificate c = Pki.newCa(k, "Labforge bus CA", Duration.ofDays(3650));
            Pki.writePrivateKey(keyFile, k);
            Files.writeString(certFile, Pki.pem(c));
            return new BusCa(k, c);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the bus CA in " + stateDir, e);
        }
    }

    public String caPem() {
        return Pki.pem(cert);
    }

    /** The principal a worker's bus certificate names: its name and the first 12 hex digits of its key's SHA-256. */
    public static String principal(String worker, PublicKey busKey) {
        try {
            return worker + "." + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(busKey.getEncoded())).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A worker's client certificate for the key of its request (the name is the CA's choice, not the request's). */
    public String issueClient(String csrPem, String principal) {
        return Pki.pem(Pki.sign(csrPem, cert, key.getPrivate(), principal, List.of(), List.of(), Pki.Usage.CLIENT, Duration.ofDays(365)));
    }

    /** Credentials made here, key and all: the orchestrator's own (made at each start), a test's. */
    public Bus.Tls newClient(String principal, Duration validity) {
        KeyPair k = Pki.newKey();
        String c = Pki.pem(Pki.sign(Pki.csr(k, principal), cert, key.getPrivate(), principal, List.of(), List.of(), Pki.Usage.CLIENT,
                validity));
        return new Bus.Tls(caPem(), c, Pki.pkcs8Pem(k.getPrivate()));
    }

    /** The broker's credentials, valid for the names and addresses clients reach it by. */
    public Bus.Tls newBroker(List<String> names) {
        KeyPair k = Pki.newKey();
        List<String> ips = new ArrayList<>();
        List<String> dns = new ArrayList<>();
        names.forEach(n -> (IP.matcher(n).matches() ? ips : dns).add(n));
        String c = Pki.pem(Pki.sign(Pki.csr(k, BROKER), cert, key.getPrivate(), BROKER, dns, ips, Pki.Usage.SERVER_AND_CLIENT,
                Duration.ofDays(365)));
        return new Bus.Tls(caPem(), c, Pki.pkcs8Pem(k.getPrivate()));
    }
}
