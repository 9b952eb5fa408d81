package io.labforge.common.id;

/** A typed step id, unique inside one saga, e.g. {@code hostname@gitlab}. */
public record StepId(String value) {
    public StepId {
        Ids.step(value);
    }

    public static StepId of(String value) {
        return new StepId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
