package io.labforge.agent.executor.host;

import io.labforge.agent.exec.Files2;
import io.labforge.agent.exec.Names;
import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.host.EnsureHostsEntries;
import io.labforge.common.lab.host.HostsEntry;
import io.labforge.common.messaging.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** R1: every host of the lab by name in {@code /etc/hosts}, in a block Labforge owns. */
public final class HostsFileExecutor extends DiffingExecutor<EnsureHostsEntries> {

    @Override
    public Class<EnsureHostsEntries> commandType() {
        return EnsureHostsEntries.class;
    }



    @Override
    protected Outcome run(EnsureHostsEntries c, StepContext ctx, boolean apply) {
        List<String> wanted = new ArrayList<>();
        for (HostsEntry e : c.entries()) {
            List<String> names = new ArrayList<>();
            for (String n : e.names()) {
                String name = Names.dnsName(n);
                if (!names.contains(name)) {
                    names.add(name);
                }
            }
            wanted.add(Names.address(e.address()) + " " + String.join(" ", names));
        }
        return replaceBlock(ctx, wanted, apply);
    }

    static Outcome replaceBlock(StepContext ctx, List<String> wanted, boolean apply) {
        Path file = ctx.root().path("/etc/hosts");
        String content = Files2.read(file).orElse("127.0.0.1 localhost\n");
        HostsBlock current = HostsBlock.parse(content);
        String next = current.render(wanted);
        boolean changed = current.present() ? !current.block().equals(wanted) : !wanted.isEmpty();
        StringBuilder diff = new StringBuilder();
        for (String l : current.block()) {
            if (!wanted.contains(l)) {
                diff.append("- ").append(l).append('\n');
            }
        }
        for (String l : wanted) {
            if (!current.block().contains(l)) {
                diff.append("+ ").append(l).append('\n');
            }
        }
        if (changed && apply) {
            Files2.write(file, next);
        }
        var out = Json.object().put("previousBlock", String.join("\n", current.block()));
        return Outcome.of(changed, changed ? diff.toString().strip() : "/etc/hosts already lists every host", out);
    }
}
