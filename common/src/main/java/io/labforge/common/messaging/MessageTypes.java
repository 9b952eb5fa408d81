package io.labforge.common.messaging;

import io.labforge.common.agent.AgentCommand;
import io.labforge.common.agent.AgentPresence;
import io.labforge.common.orchestrator.OrchestratorCommand;
import io.labforge.common.step.StepEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The registry of logical message names: every payload record of the contracts, by name. */
public final class MessageTypes {
    public record Type(String name, int version, Class<?> javaType) {
    }

    private static final Map<String, Type> BY_NAME = new HashMap<>();
    private static final Map<Class<?>, Type> BY_CLASS = new HashMap<>();

    static {
        for (Class<?> sealed : new Class<?>[] {AgentCommand.class, AgentPresence.class, StepEvent.class,
                OrchestratorCommand.class, io.labforge.common.cluster.ClusterCommand.class,
                io.labforge.common.gitlab.GitlabCommand.class}) {
            for (Class<?> c : sealed.getPermittedSubclasses()) {
                register(c);
            }
        }
    }

    private MessageTypes() {
    }

    private static void register(Class<?> c) {
        Message m = c.getAnnotation(Message.class);
        if (m == null) {
            throw new IllegalStateException(c + " has no @Message");
        }
        Type t = new Type(m.name(), m.version(), c);
        if (BY_NAME.put(m.name(), t) != null) {
            throw new IllegalStateException("two payloads named " + m.name());
        }
        BY_CLASS.put(c, t);
    }

    public static Type of(Class<?> payloadClass) {
        Type t = BY_CLASS.get(payloadClass);
        if (t == null) {
            throw new IllegalArgumentException(payloadClass + " is not a registered message payload");
        }
        return t;
    }

    public static Type forName(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown message type '" + name + "'"));
    }

    public static Optional<Type> find(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }
}
