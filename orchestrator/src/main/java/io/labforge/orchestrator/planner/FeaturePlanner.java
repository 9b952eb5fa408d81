package io.labforge.orchestrator.planner;

import io.labforge.common.lab.Lab;
import io.labforge.common.lab.firewall.FirewallSpec;
import java.util.Map;

/**
 * A feature's part of the plan. The planner runs each feature in the order they are registered, over
 * one {@link PlanBuilder}: a feature adds its steps, chaining per-host work after what the features
 * before it planned on that host, and may depend on their steps.
 */
public interface FeaturePlanner {
    void plan(PlanBuilder plan);

    /** What this feature needs open in a host's firewall (R5, R16 style: derived, not repeated in the lab file). */
    default FirewallSpec openings(Lab lab, Lab.Host host) {
        return FirewallSpec.EMPTY;
    }

    /** Kernel parameters this feature needs on a host (R24 style: derived from the feature, set with the lab's own). */
    default Map<String, String> sysctls(Lab lab, Lab.Host host) {
        return Map.of();
    }

    /** Whether this feature needs Docker on the host (then it is installed even when the lab sets none of its settings). */
    default boolean needsDocker(Lab lab, Lab.Host host) {
        return false;
    }
}
