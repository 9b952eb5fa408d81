package io.labforge.orchestrator.planner;

import io.labforge.common.lab.Lab;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns a lab into its plan: each registered feature plans its part, in order, over one
 * {@link PlanBuilder}. Plain Java: no Spring, Kafka or JDBC.
 */
public final class Planner {
    private final List<FeaturePlanner> features;

    public Planner(List<FeaturePlanner> features) {
        this.features = List.copyOf(features);
    }

    public Plan plan(Lab lab) {
        PlanBuilder plan = new PlanBuilder(lab, features);
        features.forEach(f -> f.plan(plan));
        return plan.build();
    }

    /** A plan of a few steps made for one task on a lab (scale a service, describe the swarm), outside the features' order. */
    public static Plan of(Lab lab, Consumer<PlanBuilder> steps) {
        PlanBuilder plan = new PlanBuilder(lab, List.of());
        steps.accept(plan);
        return plan.build();
    }
}
