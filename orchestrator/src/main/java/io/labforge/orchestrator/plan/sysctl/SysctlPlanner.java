package io.labforge.orchestrator.plan.sysctl;

import io.labforge.common.lab.Lab;
import io.labforge.common.lab.sysctl.RestoreSysctls;
import io.labforge.common.lab.sysctl.SetSysctls;
import io.labforge.common.lab.sysctl.SysctlSpec;
import io.labforge.orchestrator.planner.FeaturePlanner;
import io.labforge.orchestrator.planner.PlanBuilder;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kernel parameters: one step per host that has any (the lab's, and what features need there,
 * {@link FeaturePlanner#sysctls}), in its chain; the undo puts back the file and the values it found.
 */
public final class SysctlPlanner implements FeaturePlanner {
    @Override
    public void plan(PlanBuilder plan) {
        for (Lab.Host h : plan.lab().hosts()) {
            Map<String, String> values = new TreeMap<>(plan.sysctls(h));
            values.putAll(SysctlSpec.of(plan.lab(), h).values());
            if (values.isEmpty()) {
                continue;
            }
            plan.step(PlanBuilder.id("sysctl", h.name()), h.name(), new SetSysctls(values))
                    .inChain()
                    .undo(self -> new RestoreSysctls(self.text(SetSysctls.PREVIOUS_FILE), Map.of()))
                    .undoFrom("previous", SetSysctls.PREVIOUS)
                    .add();
        }
    }
}
