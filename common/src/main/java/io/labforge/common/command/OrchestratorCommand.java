package io.labforge.common.command;

/**
 * A step the orchestrator runs itself, in its own process (target {@link #TARGET}, message type
 * {@code orchestrator.*}, never on Kafka): work that needs what only it holds, such as the lab's CA key.
 */
public interface OrchestratorCommand {
    String TARGET = "orchestrator";
}
