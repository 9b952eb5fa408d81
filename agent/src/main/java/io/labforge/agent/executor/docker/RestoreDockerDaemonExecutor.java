package io.labforge.agent.executor.docker;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.docker.RestoreDockerDaemon;
import io.labforge.common.messaging.Json;
import java.nio.file.Path;
import java.util.Optional;

/** Undoes a daemon step: the file as it was (or no file), and a restart when that changed it. */
public final class RestoreDockerDaemonExecutor extends DiffingExecutor<RestoreDockerDaemon> {

    @Override
    public Class<RestoreDockerDaemon> commandType() {
        return RestoreDockerDaemon.class;
    }



    @Override
    protected Outcome run(RestoreDockerDaemon c, StepContext ctx, boolean apply) {
        Path file = ctx.root().path(DockerDaemonExecutor.FILE);
        Optional<String> now = Files2.read(file);
        boolean changed = c.existed() ? !now.equals(Optional.of(c.previousContent())) : now.isPresent();
        String diff = !changed ? "nothing to undo"
                : c.existed() ? "daemon.json restored to its previous content" : "daemon.json removed (there was none)";
        if (changed && apply) {
            boolean sockets;
            if (c.existed()) {
                boolean hosts = DockerDaemonExecutor.parse(Optional.of(c.previousContent())).has("hosts");
                Files2.write(file, c.previousContent());
                sockets = DockerDaemonExecutor.dropIn(ctx, hosts);
            } else {
                Files2.delete(file);
                sockets = DockerDaemonExecutor.dropIn(ctx, false);
            }
            diff += "\n" + DockerDaemonExecutor.restart(ctx, sockets);
        }
        return Outcome.of(changed, diff, Json.object());
    }
}
