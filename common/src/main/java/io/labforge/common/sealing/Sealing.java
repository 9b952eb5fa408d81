package io.labforge.common.sealing;

import io.labforge.common.messaging.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Secrets in messages (a Swarm join token going to a worker, a token a step reports back): each
 * secret value is sealed to its one reader with HPKE (RFC 9180, BouncyCastle: X25519, HKDF-SHA256,
 * AES-256-GCM), bound to the message it travels in, and written in its place as
 * {@code {"$sealed": "<base64>"}}. Kafka, the outbox and the agent's journal then only ever hold
 * the sealed form. The writer marks what to seal with {@code {"$secret": value}}.
 */
public final class Sealing {
    public static final String SECRET = "$secret";
    public static final String SEALED = "$sealed";
    /** Written instead of a secret the writer could not seal for its reader; the value is the reason. */
    public static final String WITHHELD = "$unsealable";
    private static final byte[] INFO = "labforge sealed value v1".getBytes(StandardCharsets.UTF_8);

    private Sealing() {
    }

    private static HPKE hpke() {
        return new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
    }

    /** A reader's key pair: it publishes {@link #publicKey}, keeps the private part. */
    public record KeyPair(AsymmetricCipherKeyPair pair) {
        public String publicKey() {
            return Base64.getEncoder().encodeToString(hpke().serializePublicKey(pair.getPublic()));
        }
    }

    public static KeyPair generate() {
        return new KeyPair(hpke().generatePrivateKey());
    }

    /** Loads the key pair kept in {@code file} (base64 of the private key, mode 600), making it the first time. */
    public static KeyPair loadOrCreate(Path file) {
        try {
            HPKE h = hpke();
            if (Files.exists(file)) {
                byte[] sk = Base64.getDecoder().decode(Files.readString(file).strip());
                AsymmetricCipherKeyPair derived = h.deserializePrivateKey(sk, null);
                // the public half is derived from the private one
                byte[] pk = h.serializePublicKey(derived.getPublic());
                return new KeyPair(h.deserializePrivateKey(sk, pk));
            }
            KeyPair k = generate();
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".sealing", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, Base64.getEncoder().encodeToString(h.serializePrivateKey(k.pair().getPrivate())));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return k;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the sealing key " + file, e);
        }
    }

    public static byte[] seal(String publicKey, String context, byte[] plaintext) {
        HPKE h = hpke();
        AsymmetricKeyParameter pk;
        try {
            pk = h.deserializePublicKey(Base64.getDecoder().decode(publicKey));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a sealing public key: " + e.getMessage(), e);
        }
        try {
            byte[][] ctAndEnc = h.seal(pk, INFO, context.getBytes(StandardCharsets.UTF_8), plaintext, null, null, null);
            byte[] out = new byte[ctAndEnc[1].length + ctAndEnc[0].length];
            System.arraycopy(ctAndEnc[1], 0, out, 0, ctAndEnc[1].length);
            System.arraycopy(ctAndEnc[0], 0, out, ctAndEnc[1].length, ctAndEnc[0].length);
            return out;
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("sealing failed", e);
        }
    }

    /** Opens what {@link #seal} made for this key and context; a wrong key, context or a changed byte fails. */
    public static byte[] open(KeyPair key, String context, byte[] sealed) {
        HPKE h = hpke();
        int enc = h.getEncSize();
        if (sealed.length <= enc) {
            throw new SealingException("sealed value too short");
        }
        byte[] e = Arrays.copyOfRange(sealed, 0, enc);
        byte[] ct = Arrays.copyOfRange(sealed, enc, sealed.length);
        try {
            return h.open(e, key.pair(), INFO, context.getBytes(StandardCharsets.UTF_8), ct, null, null, null);
        } catch (InvalidCipherTextException | RuntimeException ex) {
            throw new SealingException("a sealed value does not open with this host's key in this message ("
                    + ex.getClass().getSimpleName() + ")");
        }
    }

    /** The sealed value is not for this key, this message, or was changed. */
    public static final class SealingException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public SealingException(String message) {
            super(message);
        }
    }

    /** Whether the tree holds a {@code $secret} marker. */
    public static boolean hasSecrets(JsonNode node) {
        return !paths(node, SECRET).isEmpty();
    }

    /** Whether the tree holds a {@code $sealed} value. */
    public static boolean hasSealed(JsonNode node) {
        return !paths(node, SEALED).isEmpty();
    }

    /** A copy with every {@code {"$secret": v}} replaced by {@code {"$sealed": …}} for {@code publicKey}. */
    public static JsonNode sealMarked(JsonNode node, String publicKey, String context) {
        return map(node.deepCopy(), SECRET, v -> {
            ObjectNode s = Json.object();
            s.put(SEALED, Base64.getEncoder().encodeToString(seal(publicKey, context, Json.write(v).getBytes(StandardCharsets.UTF_8))));
            return s;
        });
    }

    /** A copy with every {@code {"$secret": v}} replaced by {@code {"$unsealable": reason}}: the secret is withheld. */
    public static JsonNode withhold(JsonNode node, String reason) {
        return map(node.deepCopy(), SECRET, v -> Json.object().put(WITHHELD, reason));
    }

    /** The reason of the first withheld secret in the tree, if any. */
    public static Optional<String> withheldReason(JsonNode node) {
        return paths(node, WITHHELD).stream().map(n -> n.get(WITHHELD).asString()).findFirst();
    }

    /** A copy with every {@code {"$secret": v}} replaced by v (for a reader in the same process). */
    public static JsonNode unmark(JsonNode node) {
        return map(node.deepCopy(), SECRET, v -> v);
    }

    /** A copy with every {@code {"$sealed": …}} opened. */
    public static JsonNode openAll(JsonNode node, KeyPair key, String context) {
        return map(node.deepCopy(), SEALED, v -> {
            byte[] sealed;
            try {
                sealed = Base64.getDecoder().decode(v.asString());
            } catch (IllegalArgumentException e) {
                throw new SealingException("a sealed value is not base64");
            }
            return Json.read(new String(open(key, context, sealed), StandardCharsets.UTF_8));
        });
    }

    private static JsonNode map(JsonNode node, String key, Function<JsonNode, JsonNode> f) {
        if (node == null) {
            return null;
        }
        if (node.isObject()) {
            if (node.size() == 1 && node.has(key)) {
                return f.apply(node.get(key));
            }
            ObjectNode obj = (ObjectNode) node;
            List<String> names = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : obj.properties()) {
                names.add(e.getKey());
            }
            for (String n : names) {
                obj.set(n, map(obj.get(n), key, f));
            }
            return obj;
        }
        if (node.isArray()) {
            ArrayNode arr = (ArrayNode) node;
            for (int i = 0; i < arr.size(); i++) {
                arr.set(i, map(arr.get(i), key, f));
            }
        }
        return node;
    }

    private static List<JsonNode> paths(JsonNode node, String key) {
        List<JsonNode> out = new ArrayList<>();
        collect(node, key, out);
        return out;
    }

    private static void collect(JsonNode node, String key, List<JsonNode> out) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            if (node.size() == 1 && node.has(key)) {
                out.add(node);
                return;
            }
            node.forEach(c -> collect(c, key, out));
        } else if (node.isArray()) {
            node.forEach(c -> collect(c, key, out));
        }
    }
}
