package io.labforge.devrig.it;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.labforge.common.tls.Pki;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A Kubernetes API for the lab where none can run: fabric8's API-server mock in CRUD mode behind a TLS
 * front as kube-apiserver's (a server certificate of the cluster CA for the address the lab hosts and
 * cluster-service reach, client certificates of that CA required, the subjects recorded); the cluster CA
 * made here, RSA as kubeadm makes it, for the control plane's stand-in kubeadm to keep. The test plays the
 * controllers ({@link #controllers}) and the kubelets' certificate requests ({@link #kubeletsAsk}), and
 * serves the add-ons' manifests as a mirror would ({@link #serve}).
 */
final class KubernetesApiStandIn implements AutoCloseable {
    final KeyPair caKey;
    final X509Certificate ca;
    final KubernetesMockServer mock;
    final KubernetesClient client;
    /** The subjects of the client certificates the front accepted. */
    final List<String> clients = new CopyOnWriteArrayList<>();
    private final String address;
    private final SSLServerSocket front;
    private final HttpServer manifests;
    private final Map<String, String> served = new HashMap<>();
    private volatile boolean open = true;

    KubernetesApiStandIn(String address) throws IOException, GeneralSecurityException {
        this.address = address;
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        caKey = g.generateKeyPair();
        ca = Pki.newCa(caKey, "kubernetes", Duration.ofDays(3650));
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        mock = new KubernetesMockServer(new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
        mock.init(InetAddress.getLoopbackAddress(), 0);
        client = mock.createClient();
        front = tlsFront();
        Thread accept = new Thread(this::accept, "k8s-api-front");
        accept.setDaemon(true);
        accept.start();
        manifests = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        manifests.createContext("/", x -> {
            String body = served.get(x.getRequestURI().getPath());
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : b.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(b);
            }
        });
        manifests.start();
    }

    /** The API server's URL, as admin.conf names it. */
    String url() {
        return "https://" + address + ":" + front.getLocalPort();
    }

    /** Serves {@code yaml} at {@code path}; returns its URL. */
    String serve(String path, String yaml) {
        served.put(path, yaml);
        return "http://127.0.0.1:" + manifests.getAddress().getPort() + path;
    }

    /** What the control plane holds before {@code kubeadm init}: the cluster CA (kubeadm keeps one given), the API's URL for the stand-in. */
    void installOn(LabHostsFixture hosts, String node) {
        String key = Base64.getEncoder().encodeToString(Pki.pem(caKey.getPrivate()).getBytes(StandardCharsets.US_ASCII));
        String cert = Base64.getEncoder().encodeToString(Pki.pem(ca).getBytes(StandardCharsets.US_ASCII));
        hosts.on(node, "sh", "-c", "mkdir -p /etc/kubernetes/pki && umask 077 && echo " + key + " | base64 -d > /etc/kubernetes/pki/ca.key"
                + " && echo " + cert + " | base64 -d > /etc/kubernetes/pki/ca.crt && echo " + url() + " > /etc/kubernetes/standin-apiserver");
    }

    private SSLServerSocket tlsFront() throws IOException, GeneralSecurityException {
        KeyPair key = Pki.newKey();
        X509Certificate cert = Pki.sign(Pki.csr(key, "kube-apiserver"), ca, caKey.getPrivate(), "kube-apiserver", List.of("kubernetes"),
                List.of(address), Pki.Usage.SERVER, Duration.ofDays(1));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("apiserver", key.getPrivate(), new char[0], new Certificate[] {cert, ca});
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("cluster-ca", ca);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getByName(address));
        s.setNeedClientAuth(true);
        return s;
    }

    private void accept() {
        while (open) {
            try {
                SSLSocket in = (SSLSocket) front.accept();
                Thread t = new Thread(() -> relay(in), "k8s-api-relay");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                // closed
            }
        }
    }

    /** One connection: the client's certificate checked by the handshake and recorded, then bytes both ways to the mock. */
    private void relay(SSLSocket in) {
        try (in; Socket out = new Socket(InetAddress.getLoopbackAddress(), mock.getPort())) {
            in.startHandshake();
            clients.add(((X509Certificate) in.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName());
            Thread back = new Thread(() -> copy(out, in));
            back.setDaemon(true);
            back.start();
            copy(in, out);
            back.join();
        } catch (IOException | InterruptedException e) {
            // a refused handshake or a closed connection
        }
    }

    private static void copy(Socket from, Socket to) {
        try (InputStream i = from.getInputStream()) {
            i.transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            // the other side went away
        }
    }

    /**
     * The cluster's controllers, as far as the lab's steps wait on them, until closed: each Deployment's
     * replicas available, Calico's operator reporting {@code TigeraStatus calico} Available once an
     * Installation exists.
     */
    void controllers() {
        Thread t = new Thread(() -> {
            while (open) {
                try {
                    for (Deployment d : client.apps().deployments().inAnyNamespace().list().getItems()) {
                        int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
                        if (d.getStatus() == null || d.getStatus().getAvailableReplicas() == null || d.getStatus().getAvailableReplicas() < want) {
                            d.setStatus(new DeploymentStatusBuilder().withReplicas(want).withAvailableReplicas(want).withReadyReplicas(want).build());
                            client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(d).updateStatus();
                        }
                    }
                    var statuses = client.genericKubernetesResources("operator.tigera.io/v1", "TigeraStatus");
                    if (client.genericKubernetesResources("operator.tigera.io/v1", "Installation").withName("default").get() != null
                            && statuses.withName("calico").get() == null) {
                        GenericKubernetesResource s = statuses.resource(new GenericKubernetesResourceBuilder().withApiVersion("operator.tigera.io/v1")
                                .withKind("TigeraStatus").withNewMetadata().withName("calico").endMetadata().build()).create();
                        s.setAdditionalProperty("status", Map.of("conditions", List.of(Map.of("type", "Available", "status", "True"))));
                        statuses.resource(s).updateStatus();
                    }
                    Thread.sleep(1000);
                } catch (KubernetesClientException e) {
                    // a kind not known yet (its CRD comes with the operator's manifest)
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "k8s-controllers");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Each node's kubelet registering its node and asking for its serving certificate, as one with
     * serverTLSBootstrap does; the mock
     * has no {@code /approval} subresource, so its PUT is answered here and the conditions stored as the API
     * server stores them.
     */
    void kubeletsAsk(List<String> nodes) throws Exception {
        for (String node : nodes) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata().withNewStatus()
                    .addNewCondition().withType("Ready").withStatus("True").endCondition()
                    .withNewNodeInfo().withKubeletVersion("v1.35.0").endNodeInfo().endStatus().build()).create();
            String name = "csr-" + node;
            KeyPair key = Pki.newKey();
            String pem = Pki.pem(new JcaPKCS10CertificationRequestBuilder(new X500Name("O=system:nodes,CN=system:node:" + node), key.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
            mock.expect().put().withPath("/apis/certificates.k8s.io/v1/certificatesigningrequests/" + name + "/approval").andReply(200, req -> {
                CertificateSigningRequest sent = client.getKubernetesSerialization().unmarshal(req.getBody().readUtf8(),
                        CertificateSigningRequest.class);
                new Thread(() -> client.certificates().v1().certificateSigningRequests().withName(name)
                        .editStatus(stored -> new CertificateSigningRequestBuilder(stored).withStatus(sent.getStatus()).build())).start();
                return sent;
            }).always();
            client.certificates().v1().certificateSigningRequests().resource(new CertificateSigningRequestBuilder()
                    .withNewMetadata().withName(name).endMetadata()
                    .withNewSpec().withSignerName("kubernetes.io/kubelet-serving").withUsername("system:node:" + node)
                    .withUsages("digital signature", "server auth")
                    .withRequest(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII))).endSpec().build()).create();
        }
    }

    boolean approved(String node) {
        var s = client.certificates().v1().certificateSigningRequests().withName("csr-" + node).get().getStatus();
        return s != null && s.getConditions() != null && s.getConditions().stream().anyMatch(c -> "Approved".equals(c.getType()));
    }

    @Override
    public void close() {
        open = false;
        try {
            front.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            manifests.stop(0);
            client.close();
            mock.destroy();
        }
    }
}
