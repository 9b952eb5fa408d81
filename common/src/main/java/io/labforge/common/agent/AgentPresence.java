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

    /** {@code sealingKey}: the agent's HPKE public key; secrets sent to it are sealed to it (see {@code Sealing}). */
    record Facts(String hostname, String os, String kernel, List<String> addresses, List<Disk> disks, String sealingKey) {
    }

    /**
     * A whole disk, so a lab can name it by path, size or serial. {@code free} when it holds no
     * partition table, partitions, filesystem or LVM signature; {@code usage} says what it holds
     * otherwise (e.g. {@code LVM2_member}, {@code ext4 on /}, {@code gpt: vda1, vda2}).
     */
    record Disk(String name, String path, long sizeBytes, String model, String serial, boolean free, List<String> partitions,
            String usage) {
    }
}
