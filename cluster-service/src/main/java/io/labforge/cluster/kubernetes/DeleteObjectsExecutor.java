package io.labforge.cluster.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.DeleteObjects;
import io.labforge.common.messaging.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The undo of a manifest: the objects it created deleted, last first (what a namespace holds before the namespace). */
public final class DeleteObjectsExecutor implements Executor<DeleteObjects> {
    private final ClusterClients clusters;

    public DeleteObjectsExecutor(ClusterClients clusters) {
        this.clusters = clusters;
    }

    @Override
    public Class<DeleteObjects> commandType() {
        return DeleteObjects.class;
    }

    @Override
    public Outcome check(DeleteObjects c, StepContext ctx) {
        return run(c, false);
    }

    @Override
    public Outcome apply(DeleteObjects c, StepContext ctx) {
        return run(c, true);
    }

    private Outcome run(DeleteObjects c, boolean apply) {
        List<String> refs = new ArrayList<>(c.objects() == null ? List.of() : c.objects().lines().filter(l -> !l.isBlank()).toList());
        if (refs.isEmpty()) {
            return Outcome.unchanged("nothing this apply created");
        }
        Collections.reverse(refs);
        KubernetesClient client = clusters.client(c.lab());
        List<String> lines = new ArrayList<>();
        try {
            for (String ref : refs) {
                HasMetadata o = Manifests.fromRef(client, ref);
                if (client.resource(o).get() == null) {
                    continue;
                }
                if (apply) {
                    client.resource(o).delete();
                }
                lines.add("- " + Manifests.display(o));
            }
        } catch (KubernetesClientException e) {
            throw new ExecutorException("the cluster's API refused a deletion: " + e.getMessage(), e.getCode() == 0 || e.getCode() >= 500, e);
        }
        return lines.isEmpty() ? Outcome.unchanged("none of the " + refs.size() + " objects is left") : Outcome.of(true, String.join("\n", lines),
                Json.object());
    }
}
