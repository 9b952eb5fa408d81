package io.labforge.agent.executor.host;

import io.labforge.agent.exec.Files2;
import io.labforge.agent.exec.Names;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.host.SetHostname;
import io.labforge.common.messaging.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** R1: the host's name, in {@code /etc/hostname} and in the running kernel. */
public final class HostnameExecutor implements Executor<SetHostname> {

    @Override
    public Class<SetHostname> commandType() {
        return SetHostname.class;
    }

    @Override
    public Outcome check(SetHostname c, StepContext ctx) {
        return outcome(c, current(ctx), false);
    }

    @Override
    public Outcome apply(SetHostname c, StepContext ctx) {
        String before = current(ctx);
        Outcome o = outcome(c, before, true);
        if (o.changed()) {
            set(c.hostname(), ctx);
        }
        return o;
    }

    private Outcome outcome(SetHostname c, String before, boolean applied) {
        String name = Names.hostLabel(c.hostname());
        String fqdn = c.domain() == null || c.domain().isBlank() ? name : name + "." + Names.dnsName(c.domain());
        boolean changed = !name.equals(before);
        var out = Json.object().put("hostname", name).put("fqdn", fqdn).put("previousHostname", before);
        String diff = changed ? "- hostname " + before + "\n+ hostname " + name : "hostname is " + name;
        return Outcome.of(changed, diff, out);
    }

    static String current(StepContext ctx) {
        Path file = ctx.root().path("/etc/hostname");
        String fromFile = Files2.read(file).map(String::strip).orElse("");
        if (!fromFile.isEmpty() || !ctx.root().isReal()) {
            return fromFile.isEmpty() ? "localhost" : fromFile;
        }
        return ctx.processes().require(List.of("hostname"), Duration.ofSeconds(10), null).output().strip();
    }

    /**
     * Writes the name (read at boot) and, on a real host, tells the running kernel. Not through
     * {@code hostnamectl}: it replaces {@code /etc/hostname} by a rename, which fails where the file is
     * a bind mount (containers); writing in place and {@code hostname(1)} work on VMs and containers.
     */
    static void set(String name, StepContext ctx) {
        Names.hostLabel(name);
        Files2.write(ctx.root().path("/etc/hostname"), name + "\n");
        if (ctx.root().isReal()) {
            ctx.processes().require(List.of("hostname", name), Duration.ofSeconds(10), ctx.progress());
        }
    }
}
