package io.labforge.common.lab.kubernetes;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.messaging.Message;

/** Undoes an {@link ApplyManifest}: deletes the objects it made ({@code objects} as its {@code created} output lists them), last first. */
@Message(name = "cluster.DeleteObjects")
public record DeleteObjects(String lab, String objects) implements ClusterCommand {
}
