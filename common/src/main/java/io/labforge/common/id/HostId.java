package io.labforge.common.id;

/** A typed host id, validated at construction. */
public record HostId(String value) {
    public HostId {
        Ids.label("host id", value);
    }

    public static HostId of(String value) {
        return new HostId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
