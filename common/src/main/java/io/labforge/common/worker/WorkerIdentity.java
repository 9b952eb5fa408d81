package io.labforge.common.worker;

import io.labforge.common.messaging.Json;
import io.labforge.common.net.Dns;
import io.labforge.common.sealing.Sealing;
import io.labforge.common.signing.EnvelopeSigner;
import io.labforge.common.signing.Keys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Who a worker (an agent, a service) is: its name, the public half of the Ed25519 key it signs its
 * events and presence with, and of the HPKE key secrets for it are sealed to. Both keys are made where
 * the worker runs, in its state directory (private halves mode 600, never sent), and summed up in
 * {@value #FILE} beside them: what {@code hosts bootstrap} reads over SSH, or an operator enrols for a
 * service. The orchestrator trusts a worker's messages only under the identity it registered.
 */
public record WorkerIdentity(String worker, String signingKey, String sealingKey) {
    public static final String FILE = "identity.json";

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
    }

    /** A worker's keys, loaded from its state directory. */
    public record Loaded(WorkerIdentity identity, EnvelopeSigner signer, Sealing.KeyPair sealing) {
    }

    /** Loads (on first use: makes) the worker's keys in {@code stateDir} and writes {@value #FILE}. */
    public static Loaded loadOrCreate(Path stateDir, String worker) {
        KeyPair signing = Keys.loadOrCreate(stateDir, "identity");
        Sealing.KeyPair sealing = Sealing.loadOrCreate(stateDir.resolve("sealing.key"));
        WorkerIdentity id = new WorkerIdentity(worker, Keys.encodePublic(signing.getPublic()),
                sealing.publicKey());
        try {
            Files.writeString(stateDir.resolve(FILE), id.toJson() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + stateDir.resolve(FILE), e);
        }
        return new Loaded(id, new EnvelopeSigner(worker, signing.getPrivate()), sealing);
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
