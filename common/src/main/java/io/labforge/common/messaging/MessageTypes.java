package io.labforge.common.messaging;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A registry of logical message names: the payload records a process can decode, by name. The set of
 * contracts is assembled once, from the features ({@code io.labforge.common.features.Features}); this
 * class knows none of them.
 */
public final class MessageTypes {
    public record Type(String name, int version, Class<?> javaType) {
    }

    private final Map<String, Type> byName = new HashMap<>();

    private MessageTypes(Collection<Class<?>> payloads) {
        for (Class<?> c : payloads) {
            Type t = typeOf(c);
            if (byName.put(t.name(), t) != null) {
                throw new IllegalStateException("two payloads named " + t.name());
            }
        }
    }

    public static MessageTypes of(Collection<Class<?>> payloads) {
        return new MessageTypes(payloads);
    }

    /** The logical name and version a payload class travels under, from its {@link Message} annotation. */
    public static Type typeOf(Class<?> payloadClass) {
        Message m = payloadClass.getAnnotation(Message.class);
        if (m == null) {
            throw new IllegalArgumentException(payloadClass + " is not a message payload (it has no @Message)");
        }
        return new Type(m.name(), m.version(), payloadClass);
    }

    public Type forName(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown message type '" + name + "'"));
    }

    public Optional<Type> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The envelope's payload as its record, looked up by the envelope's logical type name. */
    public Object decode(Envelope e) {
        return Json.convert(e.payload(), forName(e.type()).javaType());
    }

    public Collection<Type> all() {
        return byName.values();
    }
}
