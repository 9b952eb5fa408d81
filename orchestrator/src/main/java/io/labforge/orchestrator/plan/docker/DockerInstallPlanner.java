package io.labforge.orchestrator.plan.docker;

import io.labforge.common.lab.Lab;
import io.labforge.common.lab.docker.DockerSpec;
import io.labforge.common.lab.docker.EnsureDockerInstalled;
import io.labforge.orchestrator.planner.FeaturePlanner;
import io.labforge.orchestrator.planner.PlanBuilder;
import java.time.Duration;

/** R4: Docker from the distribution, in a host's chain, where the lab sets its daemon or a feature needs it. */
public final class DockerInstallPlanner implements FeaturePlanner {
    @Override
    public void plan(PlanBuilder plan) {
        for (Lab.Host h : plan.lab().hosts()) {
            if (DockerSpec.of(plan.lab(), h).isEmpty() && !plan.needsDocker(h)) {
                continue;
            }
            plan.step(PlanBuilder.id("docker-install", h.name()), h.name(), new EnsureDockerInstalled())
                    .inChain()
                    .timeout(Duration.ofMinutes(20))
                    .add();
        }
    }
}
