package io.labforge.orchestrator.persistence;

import io.labforge.common.messaging.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Step outputs that are secrets (join tokens, runner tokens) are stored encrypted: AES-256-GCM with
 * a key kept beside the signing key ({@code secrets.key}, mode 600), never in the database.
 */
public final class SecretBox {
    static final String MARK = "$enc";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKeySpec key;

    public SecretBox(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    public static SecretBox loadOrCreate(Path dir) {
        Path file = dir.resolve("secrets.key");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(dir);
                byte[] k = new byte[32];
                RANDOM.nextBytes(k);
                Path tmp = Files.createTempFile(dir, "secrets", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(tmp, Base64.getEncoder().encodeToString(k) + "\n");
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            }
            return new SecretBox(Base64.getDecoder().decode(Files.readString(file).strip()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    /** A copy of {@code outputs} whose secret entries are sealed. */
    public JsonNode seal(JsonNode outputs, List<String> secrets) {
        if (outputs == null || secrets.isEmpty() || !outputs.isObject()) {
            return outputs;
        }
        ObjectNode copy = ((ObjectNode) outputs).deepCopy();
        for (String name : secrets) {
            JsonNode v = copy.get(name);
            if (v != null) {
                copy.set(name, Json.object().put(MARK, encrypt(Json.write(v))));
            }
        }
        return copy;
    }

    /** {@code outputs} with every sealed entry opened. */
    public JsonNode open(JsonNode outputs) {
        if (outputs == null || !outputs.isObject()) {
            return outputs;
        }
        ObjectNode copy = ((ObjectNode) outputs).deepCopy();
        for (String name : List.copyOf(copy.propertyNames())) {
            JsonNode v = copy.get(name);
            if (v.isObject() && v.size() == 1 && v.has(MARK)) {
                copy.set(name, Json.read(decrypt(v.get(MARK).asString())));
            }
        }
        return copy;
    }

    String encrypt(String plain) {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(12 + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a secret", e);
        }
    }

    String decrypt(String text) {
        try {
            byte[] all = Base64.getDecoder().decode(text);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, all, 0, 12));
            return new String(c.doFinal(all, 12, all.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("a stored secret cannot be opened with this orchestrator's secrets.key", e);
        }
    }
}
