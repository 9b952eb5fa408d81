package io.labforge.common.signing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 keys as text: the public key is X.509 DER in Base64 (what an agent is configured with),
 * the private key PKCS#8 DER in Base64 (kept by the orchestrator only, file mode 600).
 */
public final class Keys {
    private Keys() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no Ed25519", e);
        }
    }

    public static String encodePublic(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    public static String encodePrivate(PrivateKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /**
     * The orchestrator's public key for a worker, given as text ({@code key}) or as a file ({@code file},
     * the orchestrator's {@code orchestrator.pub}); {@code property} names the setting in the error.
     */
    public static PublicKey orchestratorKey(String key, String file, String property) {
        String text = optionalText(key, file, property);
        if (text == null) {
            throw new IllegalStateException("set " + property + " or " + property + "-file: this worker runs only signed commands");
        }
        return decodePublic(text);
    }

    /** An optional key's text, given inline or in a file (null when neither is set). */
    public static String optionalText(String key, String file, String property) {
        if (key != null && !key.isBlank()) {
            return key.strip();
        }
        if (file != null && !file.isBlank()) {
            try {
                return Files.readString(Path.of(file)).strip();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + property + "-file " + file + ": " + e.getMessage(), e);
            }
        }
        return null;
    }

    public static PublicKey decodePublic(String text) {
        try {
            return KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(text.trim())));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key in Base64 X.509 form", e);
        }
    }

    public static PrivateKey decodePrivate(String text) {
        try {
            return KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(text.trim())));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 private key in Base64 PKCS#8 form", e);
        }
    }

    /**
     * Loads the key pair kept in {@code dir} ({@code orchestrator.key}, {@code orchestrator.pub}),
     * creating it on first use.
     */
    public static KeyPair loadOrCreate(Path dir) {
        return loadOrCreate(dir, "orchestrator");
    }

    /**
     * Loads the key pair kept in {@code dir} as {@code <name>.key} (mode 600) and {@code <name>.pub},
     * creating it on first use.
     */
    public static KeyPair loadOrCreate(Path dir, String name) {
        Path priv = dir.resolve(name + ".key");
        Path pub = dir.resolve(name + ".pub");
        try {
            if (Files.exists(priv) && Files.exists(pub)) {
                return new KeyPair(decodePublic(Files.readString(pub)), decodePrivate(Files.readString(priv)));
            }
            Files.createDirectories(dir);
            KeyPair pair = generate();
            Files.writeString(pub, encodePublic(pair.getPublic()) + "\n");
            Path tmp = Files.createTempFile(dir, "key", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, encodePrivate(pair.getPrivate()) + "\n");
            Files.move(tmp, priv);
            return pair;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the signing key in " + dir, e);
        }
    }
}
