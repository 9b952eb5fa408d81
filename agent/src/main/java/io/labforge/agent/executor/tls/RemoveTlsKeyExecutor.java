package io.labforge.agent.executor.tls;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.tls.RemoveTlsKey;
import io.labforge.common.messaging.Json;
import java.nio.file.Files;
import java.nio.file.Path;

/** Undoes a TLS key step: removes the key only when that step made it. */
public final class RemoveTlsKeyExecutor implements Executor<RemoveTlsKey> {

    @Override
    public Class<RemoveTlsKey> commandType() {
        return RemoveTlsKey.class;
    }

    @Override
    public Outcome check(RemoveTlsKey c, StepContext ctx) {
        Path key = ctx.root().path(TlsPaths.dir(c.dir()) + "/" + TlsPaths.keyFile(c.keyFileName()));
        boolean changed = c.created() && Files.exists(key);
        return Outcome.of(changed, changed ? "- " + c.dir() + "/" + c.keyFileName() : "nothing to undo", Json.object());
    }

    @Override
    public Outcome apply(RemoveTlsKey c, StepContext ctx) {
        Outcome o = check(c, ctx);
        if (o.changed()) {
            Files2.delete(ctx.root().path(TlsPaths.dir(c.dir()) + "/" + TlsPaths.keyFile(c.keyFileName())));
        }
        return o;
    }
}
