package io.labforge.common.lab.kubernetes;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;
import java.util.List;

/**
 * Applies a manifest to the lab's cluster: the YAML documents at {@code url} (fetched when the step runs,
 * as {@code kubectl apply -f <url>} does) or the generated {@code content}, each object created or
 * updated. Then awaits, up to {@code awaitSeconds}, every Deployment, DaemonSet and StatefulSet of it
 * ready, and each of {@code ready}. Outputs {@code created}: the objects this step made, one
 * {@code apiVersion kind namespace name} a line (what its undo deletes), and {@code applied}, how many.
 */
@Message(name = "cluster.ApplyManifest")
public record ApplyManifest(String lab, String name, String url, String content, List<Condition> ready, int awaitSeconds)
        implements ClusterCommand {
    public static final Output<ApplyManifest, String> CREATED = Output.text("created");
    public static final Output<ApplyManifest, Long> APPLIED = Output.number("applied");

    /** An object's status condition {@code type} awaited {@code True} (e.g. TigeraStatus {@code calico} Available). */
    public record Condition(String apiVersion, String kind, String namespace, String name, String type) {
    }

    public ApplyManifest {
        ready = ready == null ? List.of() : List.copyOf(ready);
    }
}
