package io.labforge.common.worker;

import io.labforge.common.messaging.Bus;
import io.labforge.common.messaging.Json;
import io.labforge.common.net.Dns;
import io.labforge.common.sealing.Sealing;
import io.labforge.common.signing.EnvelopeSigner;
import io.labforge.common.signing.Keys;
import io.labforge.common.tls.Pki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;

/**
 * Who a worker (an agent, a service) is: its name, the public half of the Ed25519 key it signs its
 * events and presence with, of the HPKE key secrets for it are sealed to, and a certificate request
 * for the TLS key it connects to Kafka with. Both keys are made where
 * the worker runs, in its state directory (private halves mode 600, never sent), and summed up in
 * {@value #FILE} beside them: what {@code hosts bootstrap} reads over SSH, or an operator enrols for a
 * service. The orchestrator trusts a worker's messages only under the identity it registered.
 */
public record WorkerIdentity(String worker, String signingKey, String sealingKey, String busCsr) {
    public static final String FILE = "identity.json";
    /** The worker's TLS key for Kafka (mode 600); its certificate and the bus CA's come back from registration. */
    public static final String BUS_KEY = "bus.key";
    public static final String BUS_CERTIFICATE = "bus.crt";
    public static final String BUS_CA = "bus-ca.crt";

    public WorkerIdentity {
        if (EnvelopeSigner.ORCHESTRATOR.equals(worker)) {
            throw new IllegalArgumentException("worker: no worker may be named '" + worker + "' (the orchestrator's name)");
        }
        Dns.label("worker", worker);
        if (signingKey == null || signingKey.isBlank()) {
            throw new IllegalArgumentException("signingKey: the worker's Ed25519 public key is missing");
        }
        Keys.decodePublic(signingKey);
        if (sealingKey == null || sealingKey.isBlank()) {
            throw new IllegalArgumentException("sealingKey: the worker's HPKE public key is missing");
        }
        if (busCsr == null || !busCsr.contains("CERTIFICATE REQUEST")) {
            throw new IllegalArgumentException("busCsr: the worker's certificate request for the bus (PEM) is missing");
        }
    }

    /** The public key the worker's bus certificate must carry (from its request). */
    public PublicKey busKey() {
        return Pki.requestKey(busCsr);
    }

    /** A worker's keys, loaded from its state directory. */
    public record Loaded(WorkerIdentity identity, EnvelopeSigner signer, Sealing.KeyPair sealing, KeyPair busKey) {
        /** Its bus credentials: its key, and the certificate and CA its registration installed in {@code stateDir}. */
        public Bus.Tls busTls(Path stateDir) {
            Path cert = stateDir.resolve(BUS_CERTIFICATE);
            Path ca = stateDir.resolve(BUS_CA);
            if (!Files.exists(cert) || !Files.exists(ca)) {
                throw new IllegalStateException("no bus certificate in " + stateDir + " yet: " + identity.worker() + " gets it when it is "
                        + "registered (hosts bootstrap for a host; labforge workers enrol " + stateDir.resolve(FILE) + " --install " + stateDir
                        + " for a service)");
            }
            try {
                return new Bus.Tls(Files.readString(ca), Files.readString(cert), Pki.pkcs8Pem(busKey.getPrivate()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the bus certificate in " + stateDir, e);
            }
        }
    }

    /** Loads (on first use: makes) the worker's keys in {@code stateDir} and writes {@value #FILE}. */
    public static Loaded loadOrCreate(Path stateDir, String worker) {
        KeyPair signing = Keys.loadOrCreate(stateDir, "identity");
        Sealing.KeyPair sealing = Sealing.loadOrCreate(stateDir.resolve("sealing.key"));
        try {
            Path busKeyFile = stateDir.resolve(BUS_KEY);
            KeyPair bus;
            if (Files.exists(busKeyFile)) {
                bus = Pki.keyPair(Files.readString(busKeyFile));
            } else {
                bus = Pki.newKey();
                Pki.writePrivateKey(busKeyFile, bus);
            }
            WorkerIdentity id = kept(stateDir.resolve(FILE), worker, Keys.encodePublic(signing.getPublic()), sealing.publicKey(), bus.getPublic());
            if (id == null) {
                id = new WorkerIdentity(worker, Keys.encodePublic(signing.getPublic()), sealing.publicKey(), Pki.csr(bus, worker));
                Files.writeString(stateDir.resolve(FILE), id.toJson() + "\n");
            }
            return new Loaded(id, new EnvelopeSigner(worker, signing.getPrivate()), sealing, bus);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the keys in " + stateDir, e);
        }
    }

    /**
     * The identity {@value #FILE} already holds when it is this worker's with these keys (null otherwise: a new one is
     * written). Each start used to sign a new certificate request, a twentieth of an agent's start.
     */
    static WorkerIdentity kept(Path file, String worker, String signingKey, String sealingKey, PublicKey busKey) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            WorkerIdentity id = parse(Files.readString(file));
            return id.worker().equals(worker) && id.signingKey().equals(signingKey) && id.sealingKey().equals(sealingKey)
                    && java.util.Arrays.equals(id.busKey().getEncoded(), busKey.getEncoded()) ? id : null;
        } catch (RuntimeException e) {
            return null; // unreadable or not an identity: written again from the keys
        }
    }

    public String toJson() {
        return Json.write(this);
    }

    /** An identity as {@link #toJson} wrote it; an error names what is wrong. */
    public static WorkerIdentity parse(String json) {
        try {
            return Json.MAPPER.readValue(json, WorkerIdentity.class);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            throw new IllegalArgumentException("not a worker identity (" + FILE + "): " + cause.getMessage(), e);
        }
    }

    /** A short, stable name of the signing key, for the audit log and the operator's eyes: SHA256:… of the key. */
    public String fingerprint() {
        return fingerprint(signingKey);
    }

    public static String fingerprint(String publicKey) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(publicKey.strip().getBytes(StandardCharsets.US_ASCII));
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(d).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
