package io.labforge.agent.executor.kubernetes;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.SignKubernetesClient;
import io.labforge.common.messaging.Json;
import io.labforge.common.tls.Pki;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.node.ObjectNode;

/**
 * Signs cluster-service's request with the cluster CA on the control plane (as {@code kubeadm kubeconfig
 * user} signs, but the key stays with cluster-service), and answers with the certificate, the CA and the
 * API server's URL from admin.conf. The host is not changed: the step may run again at every apply.
 */
public final class SignKubernetesClientExecutor implements Executor<SignKubernetesClient> {
    static final String CA_KEY = "/etc/kubernetes/pki/ca.key";
    private static final Pattern NAME = Pattern.compile("[a-z0-9:._-]{1,64}");

    @Override
    public Class<SignKubernetesClient> commandType() {
        return SignKubernetesClient.class;
    }

    @Override
    public Outcome check(SignKubernetesClient c, StepContext ctx) {
        return apply(c, ctx);
    }

    @Override
    public Outcome apply(SignKubernetesClient c, StepContext ctx) {
        if (!NAME.matcher(c.name()).matches() || !NAME.matcher(c.group()).matches()) {
            throw ExecutorException.refused("'" + c.name() + "' in '" + c.group() + "' is not a Kubernetes user and group this step signs for");
        }
        if (c.validityDays() < 1 || c.validityDays() > 3650) {
            throw ExecutorException.refused("a client certificate valid " + c.validityDays() + " days: give 1 to 3650");
        }
        String caPem = Files2.read(ctx.root().path(Kubeadm.CA)).orElseThrow(() -> new ExecutorException(
                "this node has no cluster CA (" + Kubeadm.CA + "): kubeadm init comes first", true));
        String caKey = Files2.read(ctx.root().path(CA_KEY)).orElseThrow(() -> new ExecutorException(
                "this node has the cluster's certificate but not its key (" + CA_KEY + "): it is no kubeadm control plane with a local CA",
                false));
        String server = server(Files2.read(ctx.root().path(Kubeadm.ADMIN_CONF)).orElseThrow(() -> new ExecutorException(
                "this node has no " + Kubeadm.ADMIN_CONF + ": kubeadm init comes first", true)));
        String cert;
        try {
            cert = Pki.pem(Pki.signClient(c.csr(), Pki.certificate(caPem), Pki.privateKey(caKey), c.name(), List.of(c.group()),
                    Duration.ofDays(c.validityDays())));
        } catch (IllegalArgumentException e) {
            throw new ExecutorException("cannot sign for " + c.name() + ": " + e.getMessage(), false, e);
        }
        ObjectNode out = Json.object().put(SignKubernetesClient.CERTIFICATE.name(), cert).put(SignKubernetesClient.CA.name(), caPem)
                .put(SignKubernetesClient.SERVER.name(), server);
        return Outcome.of(false, "a client certificate for " + c.name() + " (group " + c.group() + ") signed by the cluster CA; the API at "
                + server, out);
    }

    /** The cluster's {@code server} in a kubeconfig (its first cluster: kubeadm writes one). */
    static String server(String kubeconfig) {
        Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(kubeconfig);
        if (doc instanceof Map<?, ?> m && m.get("clusters") instanceof List<?> clusters && !clusters.isEmpty()
                && clusters.get(0) instanceof Map<?, ?> entry && entry.get("cluster") instanceof Map<?, ?> cluster
                && cluster.get("server") instanceof String s && s.startsWith("https://")) {
            return s;
        }
        throw new ExecutorException(Kubeadm.ADMIN_CONF + " names no https server for its cluster", false);
    }
}
