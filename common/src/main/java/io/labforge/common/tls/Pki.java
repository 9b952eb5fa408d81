package io.labforge.common.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.sec.SECNamedCurves;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * The lab's PKI, with BouncyCastle: EC P-256 keys, a CA, certificate requests made on the host
 * (the private key never leaves it), and certificates signed by the CA with the names a TLS client
 * checks (DNS names and IP addresses).
 */
public final class Pki {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Pki() {
    }

    public enum Usage {
        SERVER, CLIENT, SERVER_AND_CLIENT
    }

    /**
     * A new EC P-256 key pair, made by the JDK's provider. BouncyCastle is used here only for its ASN.1 and PEM
     * classes, never as a JCA provider: the agent's jar leaves that provider out.
     */
    public static KeyPair newKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed CA certificate. */
    public static X509Certificate newCa(KeyPair key, String commonName, Duration validity) {
        X500Name name = new X500Name("CN=" + commonName);
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(300)),
                    Date.from(now.plus(validity)), name, key.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return convert(b.build(signer(key.getPrivate())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A certificate request for {@code key}, naming the host (the subject alternative names go in the certificate). */
    public static String csr(KeyPair key, String commonName) {
        PKCS10CertificationRequest req = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + commonName),
                key.getPublic()).build(signer(key.getPrivate()));
        return pem(req);
    }

    /** The public key of a certificate request, once its signature is checked (the requester holds the key). */
    public static PublicKey requestKey(String csrPem) {
        try {
            PKCS10CertificationRequest req = (PKCS10CertificationRequest) read(csrPem);
            PublicKey key = publicKey(req.getSubjectPublicKeyInfo());
            if (!req.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw new IllegalArgumentException("the certificate request's signature is not valid");
            }
            return key;
        } catch (ClassCastException | OperatorCreationException | PKCSException | IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("not a certificate request: " + e.getMessage(), e);
        }
    }

    /**
     * Signs a request with the CA. The names are the orchestrator's (from the lab), not the request's:
     * a host cannot ask for a name it was not given.
     */
    public static X509Certificate sign(String csrPem, X509Certificate caCert, PrivateKey caKey, String commonName,
            List<String> dnsNames, List<String> ipAddresses, Usage usage, Duration validity) {
        return sign(csrPem, caCert, caKey, new X500Name("CN=" + commonName), dnsNames, ipAddresses, usage, validity);
    }

    /**
     * A client certificate for {@code commonName} in the {@code organizations} (Kubernetes reads the user
     * from CN and its groups from O), signed by the CA for the request's key.
     */
    public static X509Certificate signClient(String csrPem, X509Certificate caCert, PrivateKey caKey, String commonName,
            List<String> organizations, Duration validity) {
        X500NameBuilder dn = new X500NameBuilder(BCStyle.INSTANCE);
        organizations.forEach(o -> dn.addRDN(BCStyle.O, o));
        dn.addRDN(BCStyle.CN, commonName);
        return sign(csrPem, caCert, caKey, dn.build(), List.of(), List.of(), Usage.CLIENT, validity);
    }

    private static X509Certificate sign(String csrPem, X509Certificate caCert, PrivateKey caKey, X500Name subject,
            List<String> dnsNames, List<String> ipAddresses, Usage usage, Duration validity) {
        try {
            PKCS10CertificationRequest req = (PKCS10CertificationRequest) read(csrPem);
            if (!req.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey(req.getSubjectPublicKeyInfo())))) {
                throw new IllegalArgumentException("the certificate request's signature is not valid");
            }
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(
                    new X509CertificateHolder(caCert.getEncoded()).getSubject(), serial(), Date.from(now.minusSeconds(300)),
                    Date.from(now.plus(validity)), subject, req.getSubjectPublicKeyInfo());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            b.addExtension(Extension.extendedKeyUsage, false, usage == Usage.SERVER_AND_CLIENT
                    ? new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth})
                    : new ExtendedKeyUsage(usage == Usage.SERVER ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
            List<GeneralName> names = new ArrayList<>();
            dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
            for (String ip : ipAddresses) {
                names.add(new GeneralName(GeneralName.iPAddress, ip));
            }
            if (!names.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
            }
            return convert(b.build(signer(caKey)));
        } catch (IOException | GeneralSecurityException | OperatorCreationException | PKCSException e) {
            throw new IllegalArgumentException("cannot sign the certificate request: " + e.getMessage(), e);
        }
    }

    /**
     * Whether the certificate in place says the same as the wanted one (key, subject, issuer, names) and
     * is valid for 30 more days: the lab's CA signs a new one at every run, and re-applying must not
     * replace an equivalent one (and restart what uses it).
     */
    public static boolean equivalent(String installedPem, X509Certificate wanted) {
        try {
            X509Certificate now = certificate(installedPem);
            return now.getPublicKey().equals(wanted.getPublicKey())
                    && now.getSubjectX500Principal().equals(wanted.getSubjectX500Principal())
                    && now.getIssuerX500Principal().equals(wanted.getIssuerX500Principal())
                    && names(now).equals(names(wanted))
                    && now.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(30)));
        } catch (IllegalArgumentException | CertificateParsingException e) {
            return false;
        }
    }

    /** As a list: the JDK returns an unmodifiable collection, which has no equals of its own. */
    private static List<?> names(X509Certificate c) throws CertificateParsingException {
        return c.getSubjectAlternativeNames() == null ? List.of() : new ArrayList<>(c.getSubjectAlternativeNames());
    }

    /** Writes a private key as PEM through a temporary file of mode 600 and an atomic rename. */
    public static void writePrivateKey(Path file, KeyPair pair) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".key", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, pem(pair.getPrivate()));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A private key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), the form Kafka's PEM key stores read. */
    public static String pkcs8Pem(PrivateKey key) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n";
    }

    /**
     * An object as PEM, as OpenSSL writes it. An EC private key is written as SEC1 ({@code BEGIN EC PRIVATE KEY})
     * with its curve and public point, so the key file alone gives the pair back ({@link #keyPair(String)}).
     */
    public static String pem(Object o) {
        if (o instanceof ECPrivateKey ec) {
            o = sec1(ec);
        }
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /**
     * The JDK encodes an EC key as PKCS#8 whose inner SEC1 structure has neither the curve nor the public point;
     * this one has both, the point computed from the private scalar with BouncyCastle's EC arithmetic.
     */
    private static PemObject sec1(ECPrivateKey key) {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        ASN1Encodable params = info.getPrivateKeyAlgorithm().getParameters();
        X9ECParameters curve = params instanceof ASN1ObjectIdentifier oid ? SECNamedCurves.getByOID(oid) : null;
        if (curve == null) {
            throw new IllegalArgumentException("EC keys on the curve " + params + " are not supported (the named SEC curves are)");
        }
        ECPoint q = new FixedPointCombMultiplier().multiply(curve.getG(), key.getS()).normalize();
        try {
            return new PemObject("EC PRIVATE KEY", new org.bouncycastle.asn1.sec.ECPrivateKey(curve.getN().bitLength(),
                    key.getS(), new DERBitString(q.getEncoded(false)), params).getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Object read(String pem) {
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            Object o = p.readObject();
            if (o == null) {
                throw new IllegalArgumentException("no PEM object found");
            }
            return o;
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid PEM: " + e.getMessage(), e);
        }
    }

    /** Whether {@code pem} holds a PEM X.509 certificate. */
    public static boolean isCertificate(String pem) {
        if (pem == null || !pem.contains("-----BEGIN CERTIFICATE-----")) {
            return false;
        }
        try {
            certificate(pem);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    public static X509Certificate certificate(String pem) {
        Object o = read(pem);
        if (o instanceof X509CertificateHolder h) {
            return convert(h);
        }
        throw new IllegalArgumentException("not a PEM certificate");
    }

    public static KeyPair keyPair(String pem) {
        Object o = read(pem);
        if (o instanceof PEMKeyPair k && k.getPublicKeyInfo() != null) {
            try {
                return new KeyPair(publicKey(k.getPublicKeyInfo()), privateKey(k.getPrivateKeyInfo()));
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("not a usable key pair: " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("not a PEM key pair");
    }

    /** A private key in any of the PEM forms OpenSSL and kubeadm write: PKCS#1 RSA, SEC1 EC, PKCS#8. */
    public static PrivateKey privateKey(String pem) {
        Object o = read(pem);
        try {
            if (o instanceof PEMKeyPair k) {
                return privateKey(k.getPrivateKeyInfo());
            }
            if (o instanceof PrivateKeyInfo info) {
                return privateKey(info);
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("not a usable private key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("not a PEM private key");
    }

    /** A key's algorithm as the JDK's key factories name it, from the OID its encoding carries. */
    private static String algorithm(ASN1ObjectIdentifier oid) throws NoSuchAlgorithmException {
        if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            return "EC";
        }
        if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            return "RSA";
        }
        if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
            return "Ed25519";
        }
        throw new NoSuchAlgorithmException("keys of algorithm " + oid + " are not supported (EC, RSA or Ed25519 are)");
    }

    private static PublicKey publicKey(SubjectPublicKeyInfo info) throws IOException, GeneralSecurityException {
        return KeyFactory.getInstance(algorithm(info.getAlgorithm().getAlgorithm())).generatePublic(new X509EncodedKeySpec(info.getEncoded()));
    }

    private static PrivateKey privateKey(PrivateKeyInfo info) throws IOException, GeneralSecurityException {
        return KeyFactory.getInstance(algorithm(info.getPrivateKeyAlgorithm().getAlgorithm()))
                .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static ContentSigner signer(PrivateKey key) {
        try {
            return new JcaContentSignerBuilder("RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA").build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate convert(X509CertificateHolder h) {
        try {
            return new JcaX509CertificateConverter().getCertificate(h);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
