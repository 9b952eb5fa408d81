package io.labforge.common.agent;

import io.labforge.common.messaging.Message;
import java.util.List;

/** What an agent says about itself on {@link io.labforge.common.messaging.Topics#AGENT_PRESENCE}. */
public sealed interface AgentPresence {

    /** Sent when the agent starts. */
    @Message(name = "agent.Announced")
    record Announced(String hostId, String agentVersion, Facts facts) implements AgentPresence {
    }

    @Message(name = "agent.Heartbeat")
    record Heartbeat(String hostId, long uptimeMillis) implements AgentPresence {
    }

    record Facts(String hostname, String os, String kernel, List<String> addresses, List<Disk> disks) {
    }

    /** A block device; {@code free} when it has no partitions, filesystem or holders. */
    record Disk(String name, long sizeBytes, String model, String serial, boolean free) {
    }
}
