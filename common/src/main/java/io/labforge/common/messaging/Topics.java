package io.labforge.common.messaging;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/** Every Kafka topic Labforge uses, and how a key picks its partition. */
public final class Topics {
    /** Commands for agents; key = host id. */
    public static final String AGENT_COMMANDS = "labforge.agent.commands";
    public static final String GITLAB_COMMANDS = "labforge.gitlab.commands";
    public static final String CLUSTER_COMMANDS = "labforge.cluster.commands";
    /** Step events from every worker; key = saga id. */
    public static final String STEP_EVENTS = "labforge.step.events";
    /** Agent announcements and heartbeats; key = host id; compacted. */
    public static final String AGENT_PRESENCE = "labforge.agent.presence";
    /** The audit log for auditors, read-only: each row a CloudEvent, signed by the orchestrator; key = saga id; one partition. */
    public static final String AUDIT = "labforge.audit";

    private Topics() {
    }

    /**
     * The partition Kafka's default partitioner gives a key. An agent reads only this partition of
     * {@link #AGENT_COMMANDS}, so N agents do not each read the whole command stream.
     */
    public static int partitionFor(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * The command topic of the worker that executes messages whose type starts with this prefix;
     * null for the orchestrator's own steps.
     */
    public static String commandTopicFor(String messageType) {
        if (messageType.startsWith("agent.")) {
            return AGENT_COMMANDS;
        }
        if (messageType.startsWith("gitlab.")) {
            return GITLAB_COMMANDS;
        }
        if (messageType.startsWith("cluster.")) {
            return CLUSTER_COMMANDS;
        }
        if (messageType.startsWith("orchestrator.")) {
            return null; // run by the orchestrator itself: never on Kafka
        }
        throw new IllegalArgumentException("no worker executes message type '" + messageType + "'");
    }
}
