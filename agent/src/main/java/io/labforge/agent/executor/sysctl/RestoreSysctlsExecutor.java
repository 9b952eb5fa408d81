package io.labforge.agent.executor.sysctl;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.sysctl.RestoreSysctls;
import io.labforge.common.messaging.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Undoes a sysctl step: Labforge's file as it was (gone when there was none), the running values it found. */
public final class RestoreSysctlsExecutor extends DiffingExecutor<RestoreSysctls> {
    @Override
    public Class<RestoreSysctls> commandType() {
        return RestoreSysctls.class;
    }

    @Override
    protected Outcome run(RestoreSysctls c, StepContext ctx, boolean apply) {
        String now = Files2.read(Sysctls.file(ctx)).orElse("");
        String was = c.previousFile() == null ? "" : c.previousFile();
        List<String> diff = new ArrayList<>();
        if (!now.equals(was)) {
            diff.add((was.isEmpty() ? "- " : "~ ") + Sysctls.FILE);
        }
        for (Map.Entry<String, String> e : new TreeMap<>(c.previous()).entrySet()) {
            String running = Sysctls.running(ctx, e.getKey());
            if (!e.getValue().isEmpty() && !running.equals(e.getValue())) {
                diff.add("~ " + e.getKey() + " " + running + " → " + e.getValue());
            }
        }
        if (apply && !diff.isEmpty()) {
            Files2.restore(Sysctls.file(ctx), was);
            c.previous().forEach((k, v) -> {
                if (!v.isEmpty() && !Sysctls.running(ctx, k).equals(v)) {
                    Sysctls.set(ctx, k, v);
                }
            });
        }
        return Outcome.of(!diff.isEmpty(), diff.isEmpty() ? "nothing to undo" : String.join("\n", diff), Json.object());
    }
}
