package io.labforge.common.id;

/** A typed lab id, validated at construction. */
public record LabId(String value) {
    public LabId {
        Ids.label("lab id", value);
    }

    public static LabId of(String value) {
        return new LabId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
