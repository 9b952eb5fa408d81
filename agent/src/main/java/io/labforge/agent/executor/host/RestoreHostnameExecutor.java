package io.labforge.agent.executor.host;

import io.labforge.agent.exec.Names;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.host.RestoreHostname;
import io.labforge.common.messaging.Json;

/** Undoes a hostname step: the name the host had before. */
public final class RestoreHostnameExecutor implements Executor<RestoreHostname> {

    @Override
    public Class<RestoreHostname> commandType() {
        return RestoreHostname.class;
    }

    @Override
    public Outcome check(RestoreHostname c, StepContext ctx) {
        String before = HostnameExecutor.current(ctx);
        boolean changed = !Names.hostLabel(c.hostname()).equals(before);
        return Outcome.of(changed, changed ? "- hostname " + before + "\n+ hostname " + c.hostname() : "nothing to undo",
                Json.object());
    }

    @Override
    public Outcome apply(RestoreHostname c, StepContext ctx) {
        Outcome o = check(c, ctx);
        if (o.changed()) {
            HostnameExecutor.set(c.hostname(), ctx);
        }
        return o;
    }
}
