package io.labforge.orchestrator.runtime;

import io.labforge.common.messaging.Bus;
import io.labforge.common.messaging.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Topic creation and client settings of the orchestrator. */
public final class KafkaSetup {
    /** Partitions of the agent command topic: an agent reads one of them. */
    public static final int AGENT_COMMAND_PARTITIONS = 12;

    private KafkaSetup() {
    }

    /** Creates Labforge's topics if they are missing (idempotent). */
    public static void ensureTopics(Bus bus, short replication) {
        try (Admin admin = Admin.create(bus.admin())) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (NewTopic t : List.of(
                    new NewTopic(Topics.AGENT_COMMANDS, AGENT_COMMAND_PARTITIONS, replication),
                    new NewTopic(Topics.GITLAB_COMMANDS, 3, replication),
                    new NewTopic(Topics.CLUSTER_COMMANDS, 3, replication),
                    new NewTopic(Topics.STEP_EVENTS, 6, replication),
                    new NewTopic(Topics.AUDIT, 1, replication), // one partition: the rows in their order
                    new NewTopic(Topics.AGENT_PRESENCE, 6, replication)
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))) {
                if (!existing.contains(t.name())) {
                    missing.add(t);
                }
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create Labforge's topics on " + bus.servers() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Properties producer(Bus bus) {
        return bus.producer();
    }

    public static Properties consumer(Bus bus, String group) {
        Properties p = bus.consumer(group);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        return p;
    }
}
