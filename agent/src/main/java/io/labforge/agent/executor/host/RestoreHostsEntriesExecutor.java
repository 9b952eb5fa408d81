package io.labforge.agent.executor.host;

import io.labforge.agent.exec.Names;
import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.host.RestoreHostsEntries;
import java.util.ArrayList;
import java.util.List;

/** Undoes a hosts-file step: the block as it was, or no block when there was none. */
public final class RestoreHostsEntriesExecutor extends DiffingExecutor<RestoreHostsEntries> {

    @Override
    public Class<RestoreHostsEntries> commandType() {
        return RestoreHostsEntries.class;
    }

    @Override
    protected Outcome run(RestoreHostsEntries c, StepContext ctx, boolean apply) {
        return HostsFileExecutor.replaceBlock(ctx, lines(c), apply);
    }

    private static List<String> lines(RestoreHostsEntries c) {
        List<String> out = new ArrayList<>();
        if (c.previousBlock() == null || c.previousBlock().isBlank()) {
            return out;
        }
        for (String line : c.previousBlock().split("\n")) {
            String[] parts = line.trim().split("\\s+");
            // the previous block was written by Labforge; re-check it before writing it back
            Names.address(parts[0]);
            for (int i = 1; i < parts.length; i++) {
                Names.dnsName(parts[i]);
            }
            out.add(line.trim());
        }
        return out;
    }
}
