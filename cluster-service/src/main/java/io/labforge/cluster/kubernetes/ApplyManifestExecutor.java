package io.labforge.cluster.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.ApplyManifest;
import io.labforge.common.messaging.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * R26, R28–R30: a manifest applied to the lab's cluster through its API, object by object (created; or
 * updated where it exists and differs from the manifest ({@link Manifests#covers}): {@code kubectl
 * apply}'s effect without its annotation, which Calico's large CRDs do not fit), then awaited
 * ({@link Manifests#await}). The objects it created are its output: the
 * undo deletes those and leaves what was there before.
 */
public final class ApplyManifestExecutor implements Executor<ApplyManifest> {
    static final int MAX_AWAIT_SECONDS = 3600;
    private final ClusterClients clusters;

    public ApplyManifestExecutor(ClusterClients clusters) {
        this.clusters = clusters;
    }

    @Override
    public Class<ApplyManifest> commandType() {
        return ApplyManifest.class;
    }

    @Override
    public Outcome check(ApplyManifest c, StepContext ctx) {
        KubernetesClient client = clusters.ifReachable(c.lab()).orElse(null);
        if (client == null) {
            return Outcome.of(true, "+ " + what(c) + " (the cluster's credentials come earlier in this apply)", Json.object());
        }
        List<String> lines = new ArrayList<>();
        boolean missing = false;
        for (HasMetadata o : Manifests.objects(client, Manifests.source(c), what(c))) {
            HasMetadata live = call(c, () -> client.resource(o).get());
            String mark = live == null ? "+ " : Manifests.covers(client, live, o) ? "  " : "~ ";
            missing |= !mark.isBlank();
            lines.add(mark + Manifests.display(o));
        }
        return Outcome.of(missing, what(c) + ":\n" + String.join("\n", lines), Json.object());
    }

    @Override
    public Outcome apply(ApplyManifest c, StepContext ctx) {
        if (c.awaitSeconds() < 0 || c.awaitSeconds() > MAX_AWAIT_SECONDS) {
            throw ExecutorException.refused("awaiting " + c.awaitSeconds() + "s: give 0 to " + MAX_AWAIT_SECONDS);
        }
        KubernetesClient client = clusters.client(c.lab());
        List<HasMetadata> objects = Manifests.objects(client, Manifests.source(c), what(c));
        List<String> created = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        boolean changed = false;
        for (HasMetadata o : objects) {
            HasMetadata before = call(c, () -> client.resource(o).get());
            if (before == null) {
                call(c, () -> client.resource(o).create());
                created.add(Manifests.ref(o));
                lines.add("+ " + Manifests.display(o));
                changed = true;
            } else if (!Manifests.covers(client, before, o)) {
                call(c, () -> client.resource(o).update());
                lines.add("~ " + Manifests.display(o));
                changed = true;
            } else {
                lines.add("  " + Manifests.display(o));
            }
        }
        ctx.progress().accept(what(c) + ": " + objects.size() + " objects applied, " + created.size() + " created");
        call(c, () -> {
            Manifests.await(client, objects, c.ready(), c.awaitSeconds(), ctx.progress());
            return null;
        });
        return Outcome.of(changed, what(c) + ":\n" + String.join("\n", lines),
                Json.object().put(ApplyManifest.CREATED.name(), String.join("\n", created)).put(ApplyManifest.APPLIED.name(), objects.size()));
    }

    private static String what(ApplyManifest c) {
        return "manifest " + c.name() + (c.content() == null || c.content().isBlank() ? " (" + c.url() + ")" : "");
    }

    /** The API's refusals are the step's failure, naming the manifest: 4xx as given, others retryable. */
    static <T> T call(ApplyManifest c, Supplier<T> work) {
        try {
            return work.get();
        } catch (KubernetesClientException e) {
            boolean retry = e.getCode() == 0 || e.getCode() >= 500 || e.getCode() == 429 || e.getCode() == 409;
            throw new ExecutorException("the cluster's API refused " + what(c) + ": " + e.getMessage(), retry, e);
        }
    }
}
