package io.labforge.common.id;

import java.util.Objects;
import java.util.UUID;

/** A typed saga id. */
public record SagaId(UUID value) {
    public SagaId {
        Objects.requireNonNull(value, "saga id");
    }

    public static SagaId random() {
        return new SagaId(UUID.randomUUID());
    }

    public static SagaId parse(String text) {
        try {
            return new SagaId(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("saga id '" + text + "' is not a UUID", e);
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
