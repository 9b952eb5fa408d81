package io.labforge.orchestrator.planner;

import io.labforge.common.id.StepId;
import io.labforge.common.step.Output;

/**
 * A step already in the plan, running command {@code C}: what later steps depend on and take outputs
 * from. An output is named only through a constant {@code C} declares, so naming one another command
 * reports does not compile.
 *
 * @param <C> the step's command
 */
public final class StepRef<C> {
    private final StepId id;
    private final String target;
    private final String nonce;

    StepRef(StepId id, String target, String nonce) {
        this.id = id;
        this.target = target;
        this.nonce = nonce;
    }

    public StepId id() {
        return id;
    }

    /** The host or service the step runs on. */
    public String target() {
        return target;
    }

    /**
     * A text output of this step, to put in a later step's command where a text goes: the plan replaces it
     * by a reference, resolved when that step is dispatched.
     */
    public String text(Output<C, String> output) {
        return Placeholders.of(nonce, id.value(), output.name());
    }

    @Override
    public String toString() {
        return id.value();
    }
}
