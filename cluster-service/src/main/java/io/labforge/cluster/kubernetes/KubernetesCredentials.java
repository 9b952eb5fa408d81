package io.labforge.cluster.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.labforge.cluster.swarm.ClientKeys;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.InstallKubernetesCredentials;
import io.labforge.common.messaging.Json;
import io.labforge.common.tls.Pki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * cluster-service's access to each lab's cluster: the API server's URL, the cluster CA (the only one
 * trusted for it) and the client certificate the control plane signed for the lab's key
 * ({@code <state>/labs/<lab>/kubernetes-*}); the key never leaves cluster-service. Clients are made
 * per lab and remade when the credentials change.
 */
public final class KubernetesCredentials implements ClusterClients {
    private static final String SERVER = "kubernetes-server";
    private static final String CERT = "kubernetes-client-cert.pem";
    private static final String CA = "kubernetes-ca.pem";
    private final ClientKeys keys;
    private final Map<String, Cached> clients = new ConcurrentHashMap<>();

    private record Cached(String fingerprint, KubernetesClient client) {
    }

    public KubernetesCredentials(ClientKeys keys) {
        this.keys = keys;
    }

    @Override
    public KubernetesClient client(String lab) {
        Path d = keys.dir(lab);
        String server = read(d.resolve(SERVER));
        String cert = read(d.resolve(CERT));
        String ca = read(d.resolve(CA));
        if (server == null || cert == null || ca == null) {
            throw new ExecutorException("cluster-service has no credentials for lab " + lab + "'s cluster yet: its k8s-credentials step must "
                    + "run first", true);
        }
        String fingerprint = server + cert + ca;
        Cached c = clients.compute(lab, (l, old) -> {
            if (old != null && old.fingerprint().equals(fingerprint)) {
                return old;
            }
            if (old != null) {
                old.client().close();
            }
            PrivateKey key = keys.key(lab).getPrivate();
            // the JDK's name for the key's algorithm (BouncyCastle's reads "ECDSA", which the JDK's KeyFactory does not know)
            return new Cached(fingerprint, build(server, cert, ca, Pki.pkcs8Pem(key), "RSA".equals(key.getAlgorithm()) ? "RSA" : "EC"));
        });
        return c.client();
    }

    static KubernetesClient build(String server, String cert, String ca, String keyPem, String keyAlgorithm) {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(server).withCaCertData(b64(ca)).withClientCertData(b64(cert))
                .withClientKeyData(b64(keyPem)).withClientKeyAlgo(keyAlgorithm).withRequestTimeout(60_000).withConnectionTimeout(10_000)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static String b64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link InstallKubernetesCredentials}. */
    public final class Install implements Executor<InstallKubernetesCredentials> {
        @Override
        public Class<InstallKubernetesCredentials> commandType() {
            return InstallKubernetesCredentials.class;
        }

        @Override
        public Outcome check(InstallKubernetesCredentials c, StepContext ctx) {
            boolean same = same(c);
            return Outcome.of(!same, same ? "credentials for " + c.server() + " in place" : "+ credentials for the cluster at " + c.server(),
                    Json.object());
        }

        @Override
        public Outcome apply(InstallKubernetesCredentials c, StepContext ctx) {
            if (same(c)) {
                return Outcome.unchanged("credentials for " + c.server() + " in place");
            }
            URI server = URI.create(c.server());
            if (!"https".equals(server.getScheme()) || server.getHost() == null) {
                throw ExecutorException.refused("'" + c.server() + "' is not an https URL of an API server");
            }
            if (!Pki.certificate(c.certificate()).getPublicKey().equals(keys.key(c.lab()).getPublic())) {
                throw ExecutorException.refused("the certificate given for lab " + c.lab() + " is not for cluster-service's key");
            }
            Pki.certificate(c.ca());
            Path d = keys.dir(c.lab());
            try {
                Files.createDirectories(d);
                Files.writeString(d.resolve(CERT), c.certificate());
                Files.writeString(d.resolve(CA), c.ca());
                Files.writeString(d.resolve(SERVER), c.server());
            } catch (IOException e) {
                throw new ExecutorException("cannot keep the cluster's credentials: " + e.getMessage(), true, e);
            }
            return Outcome.of(true, "+ credentials for the cluster at " + c.server(), Json.object());
        }

        private boolean same(InstallKubernetesCredentials c) {
            Path d = keys.dir(c.lab());
            String cert = read(d.resolve(CERT));
            // the control plane signs afresh at every apply: an equivalent certificate is no change
            return cert != null && Pki.equivalent(cert, Pki.certificate(c.certificate())) && c.ca().equals(read(d.resolve(CA)))
                    && c.server().equals(read(d.resolve(SERVER)));
        }
    }
}
