package io.labforge.agent.executor.sysctl;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.sysctl.SetSysctls;
import io.labforge.common.lab.sysctl.SysctlSpec;
import io.labforge.common.messaging.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.node.ObjectNode;

/** Kernel parameters now (running values) and at boot (Labforge's file); reports what it found, for the undo. */
public final class SetSysctlsExecutor extends DiffingExecutor<SetSysctls> {
    @Override
    public Class<SetSysctls> commandType() {
        return SetSysctls.class;
    }

    @Override
    protected Outcome run(SetSysctls c, StepContext ctx, boolean apply) {
        c.values().forEach((k, v) -> {
            if (!SysctlSpec.isKey(k) || !SysctlSpec.isValue(v)) {
                throw ExecutorException.refused("'" + k + " = " + v + "' is not a kernel parameter and a value sysctl takes");
            }
        });
        String before = Files2.read(Sysctls.file(ctx)).orElse("");
        String wanted = Sysctls.fileContent(c.values());
        Map<String, String> previous = new TreeMap<>();
        List<String> diff = new ArrayList<>();
        if (!before.equals(wanted)) {
            diff.add((before.isEmpty() ? "+ " : "~ ") + Sysctls.FILE);
        }
        for (Map.Entry<String, String> e : new TreeMap<>(c.values()).entrySet()) {
            String now = Sysctls.running(ctx, e.getKey());
            previous.put(e.getKey(), now);
            if (!now.equals(e.getValue())) {
                diff.add("~ " + e.getKey() + " " + (now.isEmpty() ? "(unset)" : now) + " → " + e.getValue());
            }
        }
        if (apply && !diff.isEmpty()) {
            if (!before.equals(wanted)) {
                Files2.write(Sysctls.file(ctx), wanted);
            }
            c.values().forEach((k, v) -> {
                if (!Sysctls.running(ctx, k).equals(v)) {
                    Sysctls.set(ctx, k, v);
                }
            });
        }
        ObjectNode out = Json.object().put(SetSysctls.PREVIOUS_FILE.name(), before);
        out.set(SetSysctls.PREVIOUS.name(), Json.tree(previous));
        return Outcome.of(!diff.isEmpty(), diff.isEmpty() ? "kernel parameters as the lab says" : String.join("\n", diff), out);
    }
}
