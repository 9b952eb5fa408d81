package io.labforge.common.agent;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * Does nothing on the host: used by the benchmark's simulated hosts and by tests of the saga.
 * Fails while {@code attempt <= failAttempts}, then succeeds.
 */
@Message(name = "agent.Noop")
public record Noop(long sleepMillis, int failAttempts) implements AgentCommand {
    /** The attempt that succeeded. */
    public static final Output<Noop, Long> ATTEMPT = Output.number("attempt");
}
