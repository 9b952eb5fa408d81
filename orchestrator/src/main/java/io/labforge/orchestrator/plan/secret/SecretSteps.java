package io.labforge.orchestrator.plan.secret;

import io.labforge.common.command.OrchestratorCommand;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.secret.ReadSecret;
import io.labforge.orchestrator.planner.PlanBuilder;
import io.labforge.orchestrator.planner.StepRef;
import io.labforge.orchestrator.planner.StepSpec.RetryPolicy;
import java.util.Locale;

/** A lab secret ({@code {secret: NAME}}) read by the orchestrator when a step needs it: one step per secret and plan. */
public final class SecretSteps {
    private SecretSteps() {
    }

    /** The step that reads secret {@code name} (output {@link ReadSecret#VALUE}, a secret output). */
    public static StepRef<ReadSecret> read(PlanBuilder plan, String name) {
        StepId id = PlanBuilder.id("secret", name.toLowerCase(Locale.ROOT).replace('_', '-'), OrchestratorCommand.TARGET);
        if (plan.has(id)) {
            return plan.ref(id, ReadSecret.class);
        }
        // a missing secret will not appear by retrying: the step fails at once, naming where to put it
        return plan.step(id, OrchestratorCommand.TARGET, new ReadSecret(name)).retry(RetryPolicy.NONE).add();
    }
}
