package io.labforge.common.command;

/**
 * A command an agent executes on its own host (message type {@code agent.*}, topic
 * {@link io.labforge.common.messaging.Topics#AGENT_COMMANDS}, keyed by host id). Each has a check
 * (what would change) and an apply; every apply is idempotent. Compensations are commands too, next
 * to what they undo. The records live with their feature ({@code io.labforge.common.lab.<feature>}).
 */
public interface AgentCommand {
}
