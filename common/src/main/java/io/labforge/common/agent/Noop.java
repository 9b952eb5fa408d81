package io.labforge.common.agent;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;
import java.util.List;

/**
 * Does nothing on the host: used by the benchmark's simulated hosts and by tests of the saga.
 * Fails while {@code attempt <= failAttempts}, then succeeds; says each of {@code say} as an output line first.
 */
@Message(name = "agent.Noop")
public record Noop(long sleepMillis, int failAttempts, List<String> say) implements AgentCommand {
    /** The attempt that succeeded. */
    public static final Output<Noop, Long> ATTEMPT = Output.number("attempt");

    public Noop {
        say = say == null ? List.of() : List.copyOf(say);
    }

    public Noop(long sleepMillis, int failAttempts) {
        this(sleepMillis, failAttempts, List.of());
    }
}
