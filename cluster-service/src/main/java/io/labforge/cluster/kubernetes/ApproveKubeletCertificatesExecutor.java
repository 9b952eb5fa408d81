package io.labforge.cluster.kubernetes;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.ApproveKubeletCertificates;
import io.labforge.common.messaging.Json;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * R30: approves the kubelets' serving-certificate requests of the lab's nodes, and nothing else: signer
 * {@code kubernetes.io/kubelet-serving}, asked by {@code system:node:<node>} for a node of the lab, the
 * request's own subject naming that node (kubeadm's documentation asks an approver to check who asks).
 * A node whose kubelet has an approved request already needs none.
 */
public final class ApproveKubeletCertificatesExecutor implements Executor<ApproveKubeletCertificates> {
    static final String SIGNER = "kubernetes.io/kubelet-serving";
    private final ClusterClients clusters;

    public ApproveKubeletCertificatesExecutor(ClusterClients clusters) {
        this.clusters = clusters;
    }

    @Override
    public Class<ApproveKubeletCertificates> commandType() {
        return ApproveKubeletCertificates.class;
    }

    @Override
    public Outcome check(ApproveKubeletCertificates c, StepContext ctx) {
        KubernetesClient client = clusters.ifReachable(c.lab()).orElse(null);
        if (client == null) {
            return Outcome.of(true, "+ the kubelets' serving certificates of " + c.nodes() + " approved", Json.object());
        }
        Set<String> waiting = waiting(client, c);
        return Outcome.of(!waiting.isEmpty(), waiting.isEmpty() ? "every kubelet of " + c.nodes() + " has its serving certificate approved"
                : "+ approve the serving certificates of " + waiting, Json.object());
    }

    @Override
    public Outcome apply(ApproveKubeletCertificates c, StepContext ctx) {
        KubernetesClient client = clusters.client(c.lab());
        long deadline = System.nanoTime() + Duration.ofSeconds(c.awaitSeconds()).toNanos();
        List<String> approved = new ArrayList<>();
        try {
            while (true) {
                for (CertificateSigningRequest r : client.certificates().v1().certificateSigningRequests().list().getItems()) {
                    String node = nodeOf(r, c);
                    if (node != null && pending(r)) {
                        CertificateSigningRequestCondition ok = new CertificateSigningRequestConditionBuilder().withType("Approved")
                                .withStatus("True").withReason("LabforgeApproved")
                                .withMessage("the kubelet of lab node " + node + " (Labforge, R30)").build();
                        client.certificates().v1().certificateSigningRequests().withName(r.getMetadata().getName()).approve(ok);
                        approved.add(node + " (" + r.getMetadata().getName() + ")");
                        ctx.progress().accept("approved the serving certificate of " + node);
                    }
                }
                Set<String> waiting = waiting(client, c);
                if (waiting.isEmpty()) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new ExecutorException("no serving-certificate request from the kubelet of " + waiting + " after " + c.awaitSeconds()
                            + "s (its KubeletConfiguration needs serverTLSBootstrap: true; kubectl get csr on the control plane)", true);
                }
                ExecutorException.pause(1000);
            }
        } catch (KubernetesClientException e) {
            throw new ExecutorException("the cluster's API refused: " + e.getMessage(), e.getCode() == 0 || e.getCode() >= 500, e);
        }
        return approved.isEmpty() ? Outcome.unchanged("every kubelet of " + c.nodes() + " has its serving certificate approved")
                : Outcome.of(true, "+ approved: " + String.join(", ", approved), Json.object().put(ApproveKubeletCertificates.APPROVED.name(),
                        approved.size()));
    }

    /** The lab's nodes with no approved request yet. */
    private static Set<String> waiting(KubernetesClient client, ApproveKubeletCertificates c) {
        Set<String> waiting = new LinkedHashSet<>(c.nodes());
        for (CertificateSigningRequest r : client.certificates().v1().certificateSigningRequests().list().getItems()) {
            String node = nodeOf(r, c);
            if (node != null && has(r, "Approved")) {
                waiting.remove(node);
            }
        }
        return waiting;
    }

    /** The lab node a request is from, or null when it is not a kubelet-serving request of one of them. */
    static String nodeOf(CertificateSigningRequest r, ApproveKubeletCertificates c) {
        if (r.getSpec() == null || !SIGNER.equals(r.getSpec().getSignerName()) || r.getSpec().getUsername() == null
                || !r.getSpec().getUsername().startsWith("system:node:")) {
            return null;
        }
        String node = r.getSpec().getUsername().substring("system:node:".length());
        return c.nodes().contains(node) && node.equals(subjectNode(r.getSpec().getRequest())) ? node : null;
    }

    /** The node a kubelet's request names in its subject ({@code CN=system:node:<node>, O=system:nodes}), or null. */
    private static String subjectNode(String requestBase64) {
        try (PEMParser p = new PEMParser(new StringReader(new String(Base64.getDecoder().decode(requestBase64),
                StandardCharsets.US_ASCII)))) {
            if (p.readObject() instanceof PKCS10CertificationRequest req) {
                var cn = req.getSubject().getRDNs(BCStyle.CN);
                var o = req.getSubject().getRDNs(BCStyle.O);
                if (cn.length == 1 && o.length == 1 && "system:nodes".equals(IETFUtils.valueToString(o[0].getFirst().getValue()))) {
                    String v = IETFUtils.valueToString(cn[0].getFirst().getValue());
                    return v.startsWith("system:node:") ? v.substring("system:node:".length()) : null;
                }
            }
            return null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean pending(CertificateSigningRequest r) {
        return !has(r, "Approved") && !has(r, "Denied") && !has(r, "Failed");
    }

    private static boolean has(CertificateSigningRequest r, String type) {
        return r.getStatus() != null && r.getStatus().getConditions() != null
                && r.getStatus().getConditions().stream().anyMatch(x -> type.equals(x.getType()) && "True".equals(x.getStatus()));
    }
}
