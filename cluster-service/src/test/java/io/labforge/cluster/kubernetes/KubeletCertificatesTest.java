package io.labforge.cluster.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.HostRoot;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.ApproveKubeletCertificates;
import io.labforge.common.tls.Pki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * R30: the kubelets' serving-certificate requests (as a kubelet with serverTLSBootstrap files them) against
 * the API-server mock: those of the lab's nodes approved, everything else left pending.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubeletCertificatesTest {
    KubernetesClient client;
    KubernetesMockServer server;

    @TempDir
    Path dir;

    /** A request as a kubelet files it: its subject {@code CN=system:node:<subjectNode>, O=system:nodes}. */
    CertificateSigningRequest request(String name, String username, String subjectNode, String signer) throws Exception {
        KeyPair key = Pki.newKey();
        var req = new JcaPKCS10CertificationRequestBuilder(new X500Name("O=system:nodes,CN=system:node:" + subjectNode), key.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()));
        String pem = Pki.pem(req);
        approvalSubresource(name);
        return client.certificates().v1().certificateSigningRequests().resource(new CertificateSigningRequestBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withSignerName(signer).withUsername(username).withUsages("digital signature", "server auth")
                .withRequest(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII))).endSpec().build()).create();
    }

    /**
     * The mock's CRUD mode has no {@code /approval} subresource: this stands in for it, answering the PUT with
     * the request as sent and storing its conditions as the API server does (through the status, from
     * another thread: the mock cannot be called from inside its own answer).
     */
    void approvalSubresource(String name) {
        server.expect().put().withPath("/apis/certificates.k8s.io/v1/certificatesigningrequests/" + name + "/approval").andReply(200, req -> {
            CertificateSigningRequest sent = client.getKubernetesSerialization().unmarshal(req.getBody().readUtf8(),
                    CertificateSigningRequest.class);
            new Thread(() -> client.certificates().v1().certificateSigningRequests().withName(name)
                    .editStatus(stored -> new CertificateSigningRequestBuilder(stored).withStatus(sent.getStatus()).build())).start();
            return sent;
        }).always();
    }

    boolean approved(String name) {
        var s = client.certificates().v1().certificateSigningRequests().withName(name).get().getStatus();
        return s != null && s.getConditions() != null && s.getConditions().stream().anyMatch(c -> c.getType().equals("Approved"));
    }

    @Test
    void onlyTheLabNodesOwnServingRequestsAreApproved() throws Exception {
        String serving = ApproveKubeletCertificatesExecutor.SIGNER;
        request("csr-k8s1", "system:node:k8s1", "k8s1", serving);
        request("csr-k8s2", "system:node:k8s2", "k8s2", serving);
        request("csr-other", "system:node:intruder", "intruder", serving);
        request("csr-client", "system:node:k8s2", "k8s2", "kubernetes.io/kube-apiserver-client-kubelet");
        request("csr-lying", "system:node:k8s1", "k8s2", serving);
        List<String> progress = new ArrayList<>();
        StepContext ctx = new StepContext(new HostRoot(dir), new ProcessRunner(), 1, progress::add);
        var executor = new ApproveKubeletCertificatesExecutor(lab -> client);
        ApproveKubeletCertificates c = new ApproveKubeletCertificates("lab1", List.of("k8s1", "k8s2"), 10);

        assertThat(executor.check(c, ctx).diff()).contains("+ approve the serving certificates of [k8s1, k8s2]");
        Outcome done = executor.apply(c, ctx);
        assertThat(done.outputs().get("approved").asLong()).isEqualTo(2);
        assertThat(approved("csr-k8s1")).isTrue();
        assertThat(approved("csr-k8s2")).isTrue();
        assertThat(approved("csr-other")).isFalse();
        assertThat(approved("csr-client")).isFalse();
        assertThat(approved("csr-lying")).isFalse();
        assertThat(executor.apply(c, ctx).changed()).isFalse();
        assertThat(executor.check(c, ctx).changed()).isFalse();
    }

    @Test
    void aNodeThatNeverAsksFailsTheStepNamingIt() throws Exception {
        request("csr-k8s1", "system:node:k8s1", "k8s1", ApproveKubeletCertificatesExecutor.SIGNER);
        StepContext ctx = new StepContext(new HostRoot(dir), new ProcessRunner(), 1, l -> { });
        assertThatThrownBy(() -> new ApproveKubeletCertificatesExecutor(lab -> client)
                .apply(new ApproveKubeletCertificates("lab1", List.of("k8s1", "k8s2"), 2), ctx))
                .isInstanceOf(ExecutorException.class).hasMessageContaining("no serving-certificate request from the kubelet of [k8s2] after 2s");
        assertThat(approved("csr-k8s1")).isTrue();
    }
}
