package io.labforge.agent.executor.kubernetes;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Bootstrap tokens and the discovery hash (kubernetes.io, "Authenticating with Bootstrap Tokens"): a
 * token is {@code [a-z0-9]{6}.[a-z0-9]{16}}, the first part public, the second secret; the hash a joining
 * node pins is {@code sha256:} over the DER SubjectPublicKeyInfo of the cluster's CA.
 */
final class JoinTokens {
    private static final Pattern TOKEN = Pattern.compile("[a-z0-9]{6}\\.[a-z0-9]{16}");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private JoinTokens() {
    }

    static boolean isToken(String s) {
        return TOKEN.matcher(s).matches();
    }

    static String fresh() {
        return random(6) + "." + random(16);
    }

    private static String random(int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }

    /** {@code sha256:<hex>} of the CA certificate's SubjectPublicKeyInfo (what {@code getEncoded()} of its key is). */
    static String caCertHash(String pem) {
        try {
            X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            byte[] spki = ca.getPublicKey().getEncoded();
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spki));
        } catch (CertificateException | NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("the cluster's CA is not an X.509 certificate: " + e.getMessage(), e);
        }
    }
}
