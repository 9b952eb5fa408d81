package io.labforge.cluster.swarm;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.swarm.CreateClientKey;
import io.labforge.common.lab.swarm.InstallClientCertificate;
import io.labforge.common.messaging.Json;
import io.labforge.common.net.Dns;
import io.labforge.common.tls.Pki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * cluster-service's client identity per lab, for the Engine API's mutual TLS: the key is made here
 * and never leaves ({@code <state>/labs/<lab>/client-key.pem}, mode 600); the orchestrator signs its
 * request with the lab's CA; certificate and CA are kept beside it.
 */
public final class ClientKeys {
    private final Path stateDir;

    public ClientKeys(Path stateDir) {
        this.stateDir = stateDir;
    }

    /** Where cluster-service keeps a lab's key and certificates. */
    public Path dir(String lab) {
        if (!Dns.isLabel(lab)) {
            throw ExecutorException.refused("'" + lab + "' is not a lab name");
        }
        return stateDir.resolve("labs").resolve(lab);
    }

    /** The lab's client key (its request is signed by the lab's CA for Swarm, by the cluster CA for Kubernetes). */
    public KeyPair key(String lab) {
        Path key = dir(lab).resolve("client-key.pem");
        if (!Files.exists(key)) {
            throw new ExecutorException("cluster-service has no client key for lab " + lab + " yet: its cluster-key step must run first", true);
        }
        try {
            return Pki.keyPair(Files.readString(key));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The TLS context for a lab's managers: our key and certificate, trusting only the lab's CA. */
    public SSLContext sslContext(String lab) {
        Path d = dir(lab);
        try {
            if (!Files.exists(d.resolve("client-cert.pem")) || !Files.exists(d.resolve("ca.pem"))) {
                throw new ExecutorException("cluster-service has no client certificate for lab " + lab
                        + " yet: its cluster-cert steps must run first", true);
            }
            KeyPair key = Pki.keyPair(Files.readString(d.resolve("client-key.pem")));
            Certificate cert = Pki.certificate(Files.readString(d.resolve("client-cert.pem")));
            Certificate ca = Pki.certificate(Files.readString(d.resolve("ca.pem")));
            char[] pw = new char[0];
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", key.getPrivate(), pw, new Certificate[] {cert, ca});
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry("lab-ca", ca);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new ExecutorException("cannot build the TLS context for lab " + lab + ": " + e.getMessage(), false, e);
        }
    }

    /** {@link CreateClientKey}. */
    public final class Create implements Executor<CreateClientKey> {
        @Override
        public Class<CreateClientKey> commandType() {
            return CreateClientKey.class;
        }

        @Override
        public Outcome check(CreateClientKey c, StepContext ctx) {
            Path key = dir(c.lab()).resolve("client-key.pem");
            if (Files.exists(key)) {
                return Outcome.of(false, "client key for lab " + c.lab() + " present", outputs(read(key), false));
            }
            return Outcome.of(true, "+ client key for lab " + c.lab() + " (made by cluster-service)", Json.object().put("created", false));
        }

        @Override
        public Outcome apply(CreateClientKey c, StepContext ctx) {
            Path key = dir(c.lab()).resolve("client-key.pem");
            if (Files.exists(key)) {
                return Outcome.of(false, "client key for lab " + c.lab() + " present", outputs(read(key), false));
            }
            KeyPair pair = Pki.newKey();
            try {
                Pki.writePrivateKey(key, pair);
            } catch (IOException e) {
                throw new ExecutorException("cannot write " + key + ": " + e.getMessage(), true, e);
            }
            return Outcome.of(true, "+ client key for lab " + c.lab(), outputs(pair, true));
        }

        private ObjectNode outputs(KeyPair pair, boolean created) {
            return Json.object().put("csr", Pki.csr(pair, ClusterCommandTarget.NAME)).put("created", created);
        }

        private KeyPair read(Path key) {
            try {
                return Pki.keyPair(Files.readString(key));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** {@link InstallClientCertificate}. */
    public final class Install implements Executor<InstallClientCertificate> {
        @Override
        public Class<InstallClientCertificate> commandType() {
            return InstallClientCertificate.class;
        }

        @Override
        public Outcome check(InstallClientCertificate c, StepContext ctx) {
            return Outcome.of(!same(c), same(c) ? "client certificate in place" : "+ client certificate for lab " + c.lab(), Json.object());
        }

        @Override
        public Outcome apply(InstallClientCertificate c, StepContext ctx) {
            if (same(c)) {
                return Outcome.unchanged("client certificate in place");
            }
            Pki.certificate(c.certificate());
            Pki.certificate(c.ca());
            try {
                Files.writeString(dir(c.lab()).resolve("client-cert.pem"), c.certificate());
                Files.writeString(dir(c.lab()).resolve("ca.pem"), c.ca());
            } catch (IOException e) {
                throw new ExecutorException("cannot write the client certificate: " + e.getMessage(), true, e);
            }
            return Outcome.of(true, "+ client certificate for lab " + c.lab(), Json.object());
        }

        private boolean same(InstallClientCertificate c) {
            try {
                Path d = dir(c.lab());
                // a new signature of the same key and names is not a change (the CA signs afresh at every run)
                return Files.exists(d.resolve("client-cert.pem"))
                        && Pki.equivalent(Files.readString(d.resolve("client-cert.pem")), Pki.certificate(c.certificate()))
                        && Files.exists(d.resolve("ca.pem")) && Files.readString(d.resolve("ca.pem")).equals(c.ca());
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** The name cluster-service's certificates carry. */
    static final class ClusterCommandTarget {
        static final String NAME = ClusterCommand.TARGET;

        private ClusterCommandTarget() {
        }
    }
}
