package io.labforge.common.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What registering a worker's identity gives back: what changed ({@code registered}, {@code unchanged},
 * {@code replaced}), the principal Kafka knows it as, and its bus certificate with the bus CA's, for the
 * worker's state directory (bootstrap copies them to the host; enrolment writes them where told).
 */
public record Registration(String worker, String fingerprint, String change, String busPrincipal, String busCertificate,
        String busCa) {

    /** Writes the certificate and the CA's beside the worker's key in its state directory. */
    public void install(Path stateDir) {
        try {
            Files.createDirectories(stateDir);
            Files.writeString(stateDir.resolve(WorkerIdentity.BUS_CERTIFICATE), busCertificate);
            Files.writeString(stateDir.resolve(WorkerIdentity.BUS_CA), busCa);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the bus certificate into " + stateDir, e);
        }
    }
}
