package io.labforge.orchestrator.planner;

import io.labforge.common.step.Output;

/**
 * The outputs of the step being planned, as its compensation uses them ({@code self#name}): the undo
 * is given what the step reports it did.
 *
 * @param <C> the step's command
 */
public final class Self<C> {
    private final String nonce;

    Self(String nonce) {
        this.nonce = nonce;
    }

    /** A text output of this step, in the compensation's command where a text goes. */
    public String text(Output<C, String> output) {
        return Placeholders.of(nonce, Refs.SELF, output.name());
    }
}
