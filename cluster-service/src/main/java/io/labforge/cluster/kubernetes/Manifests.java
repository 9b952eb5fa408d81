package io.labforge.cluster.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.lab.kubernetes.ApplyManifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Manifests as upstream projects publish them (YAML documents): fetched from their URL, read into objects,
 * named by a line {@code apiVersion kind namespace name} ({@code -} for a cluster-wide object), and
 * awaited: a Deployment or StatefulSet ready when its available replicas reach its replicas, a DaemonSet
 * when it runs on every node it should, an object's condition when its status says {@code True}.
 */
final class Manifests {
    /** The largest manifest fetched (Calico's operator manifest, CRDs included, is ~2 MB). */
    static final int MAX_BYTES = 16 * 1024 * 1024;
    private static final Pattern REF_PART = Pattern.compile("[A-Za-z0-9./-]{1,253}");
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(15)).build();

    private Manifests() {
    }

    /** The manifest's text: {@code content} when given, else what {@code url} serves (redirects followed, as GitHub's downloads need). */
    static String source(ApplyManifest c) {
        if (c.content() != null && !c.content().isBlank()) {
            return c.content();
        }
        URI uri = URI.create(c.url());
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw ExecutorException.refused("'" + c.url() + "' is not an http(s) URL");
        }
        try {
            HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() != 200) {
                    throw new ExecutorException("the manifest " + c.name() + " at " + c.url() + " answered HTTP " + r.statusCode(),
                            r.statusCode() >= 500 || r.statusCode() == 429);
                }
                byte[] body = in.readNBytes(MAX_BYTES + 1);
                if (body.length > MAX_BYTES) {
                    throw ExecutorException.refused("the manifest at " + c.url() + " is larger than " + MAX_BYTES / (1024 * 1024) + " MB");
                }
                return new String(body, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new ExecutorException("cannot fetch the manifest " + c.name() + " from " + c.url() + ": " + e.getMessage(), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExecutorException("interrupted", true, e);
        }
    }

    static List<HasMetadata> objects(KubernetesClient client, String yaml, String what) {
        try {
            List<HasMetadata> items = client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
            List<HasMetadata> out = new ArrayList<>();
            for (HasMetadata o : items) {
                if (o != null) {
                    out.add(o);
                }
            }
            return out;
        } catch (RuntimeException e) {
            throw ExecutorException.refused(what + " is not a Kubernetes manifest: " + e.getMessage());
        }
    }

    static String ref(HasMetadata o) {
        String ns = o.getMetadata().getNamespace();
        return o.getApiVersion() + " " + o.getKind() + " " + (ns == null || ns.isEmpty() ? "-" : ns) + " " + o.getMetadata().getName();
    }

    static String display(HasMetadata o) {
        String ns = o.getMetadata().getNamespace();
        return o.getKind() + " " + (ns == null || ns.isEmpty() ? "" : ns + "/") + o.getMetadata().getName();
    }

    /** The object a {@link #ref} names, as the client reads it (a typed object for Kubernetes' own kinds). */
    static HasMetadata fromRef(KubernetesClient client, String ref) {
        String[] p = ref.strip().split(" ");
        if (p.length != 4 || !Arrays.stream(p).allMatch(s -> REF_PART.matcher(s).matches())) {
            throw ExecutorException.refused("'" + ref + "' does not name an object (apiVersion kind namespace name)");
        }
        GenericKubernetesResource g = new GenericKubernetesResource();
        g.setApiVersion(p[0]);
        g.setKind(p[1]);
        g.setMetadata(new ObjectMetaBuilder().withName(p[3]).withNamespace("-".equals(p[2]) ? null : p[2])
                .build());
        return objects(client, client.getKubernetesSerialization().asYaml(g), "'" + ref + "'").get(0);
    }

    /**
     * Whether the object in the cluster already says everything the manifest's says: each field the manifest
     * sets has that value there (fields the API server or a controller added are not a difference, as with
     * {@code kubectl diff} on a fresh apply). An object that covers its manifest is left alone.
     */
    static boolean covers(KubernetesClient client, HasMetadata live, HasMetadata desired) {
        JsonNode have = client.getKubernetesSerialization().convertValue(live, JsonNode.class);
        JsonNode want = client.getKubernetesSerialization().convertValue(desired, JsonNode.class);
        return subset(want.path("metadata").path("labels"), have.path("metadata").path("labels"))
                && subset(want.path("metadata").path("annotations"), have.path("metadata").path("annotations"))
                && subsetExcept(want, have, Set.of("metadata", "status"));
    }

    private static boolean subsetExcept(JsonNode want, JsonNode have, Set<String> skip) {
        for (Map.Entry<String, JsonNode> e : want.properties()) {
            if (!skip.contains(e.getKey()) && !subset(e.getValue(), have.path(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean subset(JsonNode want, JsonNode have) {
        if (want.isMissingNode() || want.isNull()) {
            return true;
        }
        if (want.isObject()) {
            return have.isObject() && subsetExcept(want, have, Set.of());
        }
        if (want.isArray()) {
            if (!have.isArray() || have.size() != want.size()) {
                return false;
            }
            for (int i = 0; i < want.size(); i++) {
                if (!subset(want.get(i), have.get(i))) {
                    return false;
                }
            }
            return true;
        }
        // 80 and 80L, "80" and 80 (an int-or-string port): the same value
        return !have.isMissingNode() && !have.isNull() && want.asString().equals(have.asString());
    }

    /** What of {@code objects} and {@code conditions} is not ready yet, each said in a few words. */
    static List<String> pending(KubernetesClient client, List<HasMetadata> objects, List<ApplyManifest.Condition> conditions) {
        List<String> out = new ArrayList<>();
        for (HasMetadata o : objects) {
            String ns = o.getMetadata().getNamespace() == null ? client.getNamespace() : o.getMetadata().getNamespace();
            String name = o.getMetadata().getName();
            if (o instanceof Deployment) {
                Deployment d = client.apps().deployments().inNamespace(ns).withName(name).get();
                int want = d == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
                int have = d == null || d.getStatus() == null || d.getStatus().getAvailableReplicas() == null ? 0 : d.getStatus().getAvailableReplicas();
                if (have < want) {
                    out.add("Deployment " + ns + "/" + name + " " + have + "/" + want + " available");
                }
            } else if (o instanceof StatefulSet) {
                StatefulSet s = client.apps().statefulSets().inNamespace(ns).withName(name).get();
                int want = s == null || s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
                int have = s == null || s.getStatus() == null || s.getStatus().getReadyReplicas() == null ? 0 : s.getStatus().getReadyReplicas();
                if (have < want) {
                    out.add("StatefulSet " + ns + "/" + name + " " + have + "/" + want + " ready");
                }
            } else if (o instanceof DaemonSet) {
                DaemonSet s = client.apps().daemonSets().inNamespace(ns).withName(name).get();
                if (s == null || s.getStatus() == null || s.getStatus().getDesiredNumberScheduled() == null
                        || !Objects.equals(s.getStatus().getNumberAvailable(), s.getStatus().getDesiredNumberScheduled())) {
                    out.add("DaemonSet " + ns + "/" + name + " " + (s == null || s.getStatus() == null ? "not scheduled yet"
                            : s.getStatus().getNumberAvailable() + "/" + s.getStatus().getDesiredNumberScheduled() + " available"));
                }
            }
        }
        for (ApplyManifest.Condition c : conditions) {
            var op = client.genericKubernetesResources(c.apiVersion(), c.kind());
            GenericKubernetesResource r = c.namespace() == null ? op.withName(c.name()).get() : op.inNamespace(c.namespace()).withName(c.name()).get();
            if (!holds(r, c.type())) {
                out.add(c.kind() + " " + c.name() + " not " + c.type() + " yet");
            }
        }
        return out;
    }

    private static boolean holds(GenericKubernetesResource r, String type) {
        if (r == null || !(r.getAdditionalProperties().get("status") instanceof Map<?, ?> status)
                || !(status.get("conditions") instanceof List<?> conditions)) {
            return false;
        }
        return conditions.stream().anyMatch(c -> c instanceof Map<?, ?> m && type.equals(m.get("type")) && "True".equals(m.get("status")));
    }

    /** Waits until nothing is pending, saying what still waits when that changes; fails (retryable) after {@code seconds}. */
    static void await(KubernetesClient client, List<HasMetadata> objects, List<ApplyManifest.Condition> conditions, int seconds,
            Consumer<String> progress) {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<String> last = null;
        while (true) {
            List<String> pending = pending(client, objects, conditions);
            if (pending.isEmpty()) {
                return;
            }
            if (!pending.equals(last)) {
                progress.accept("waiting for " + String.join("; ", pending));
                last = pending;
            }
            if (System.nanoTime() > deadline) {
                throw new ExecutorException("not ready after " + seconds + "s: " + String.join("; ", pending)
                        + " (kubectl describe on the control plane says why)", true);
            }
            ExecutorException.pause(1000);
        }
    }
}
