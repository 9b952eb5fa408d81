package io.labforge.orchestrator.local;

import io.labforge.common.tls.Pki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * A lab's certificate authority, kept by the orchestrator in {@code <state>/labs/<lab>/ca.key}
 * (mode 600) and {@code ca.crt}; made on first use. Its key never leaves the orchestrator.
 */
public final class LabCa {
    private final KeyPair key;
    private final X509Certificate cert;

    private LabCa(KeyPair key, X509Certificate cert) {
        this.key = key;
        this.cert = cert;
    }

    public static synchronized LabCa forLab(Path stateDir, String labId) {
        Path dir = stateDir.resolve("labs").resolve(labId);
        Path keyFile = dir.resolve("ca.key");
        Path certFile = dir.resolve("ca.crt");
        try {
            if (Files.exists(keyFile) && Files.exists(certFile)) {
                return new LabCa(Pki.keyPair(Files.readString(keyFile)), Pki.certificate(Files.readString(certFile)));
            }
            Files.createDirectories(dir);
            KeyPair key = Pki.newKey();
            X509Certificate cert = Pki.newCa(key, "Labforge CA for lab " + labId, Duration.ofDays(3650));
            Path tmp = Files.createTempFile(dir, "ca", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, Pki.pem(key.getPrivate()));
            Files.writeString(certFile, Pki.pem(cert));
            Files.move(tmp, keyFile, StandardCopyOption.ATOMIC_MOVE);
            return new LabCa(key, cert);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the CA of lab " + labId + " in " + dir, e);
        }
    }

    public X509Certificate certificate() {
        return cert;
    }

    public KeyPair key() {
        return key;
    }
}
