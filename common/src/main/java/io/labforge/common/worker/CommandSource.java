package io.labforge.common.worker;

import io.labforge.common.messaging.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a worker takes its commands from Kafka: an agent reads only the partition its host id hashes to
 * and skips other hosts' records ({@link #ownPartition}); a service reads its topic as a consumer group
 * ({@link #group}).
 */
public interface CommandSource {
    /** The consumer group the worker commits its offsets in. */
    String groupId();

    /** Assigns or subscribes the consumer; may wait for the topic to exist. */
    void attach(KafkaConsumer<String, byte[]> consumer) throws InterruptedException;

    /** Whether a record is this worker's. */
    boolean mine(ConsumerRecord<String, byte[]> record);

    /** Commits what was read, once its events are acknowledged. */
    void commit(KafkaConsumer<String, byte[]> consumer);

    /** The one partition of {@code topic} that {@code key} hashes to, records keyed {@code key} only. */
    static CommandSource ownPartition(String topic, String key) {
        return new OwnPartition(topic, key);
    }

    /** Every record of {@code topic}, shared with the other members of {@code groupId}. */
    static CommandSource group(String topic, String groupId) {
        return new CommandSource() {
            @Override
            public String groupId() {
                return groupId;
            }

            @Override
            public void attach(KafkaConsumer<String, byte[]> consumer) {
                consumer.subscribe(List.of(topic));
            }

            @Override
            public boolean mine(ConsumerRecord<String, byte[]> record) {
                return true;
            }

            @Override
            public void commit(KafkaConsumer<String, byte[]> consumer) {
                consumer.commitSync();
            }
        };
    }

    /** The agent's way: N agents do not each read the whole command stream. */
    final class OwnPartition implements CommandSource {
        private static final Logger LOG = LoggerFactory.getLogger(OwnPartition.class);
        private final String topic;
        private final String key;
        private volatile TopicPartition partition;

        OwnPartition(String topic, String key) {
            this.topic = topic;
            this.key = key;
        }

        /** The partition read (null until attached). */
        public TopicPartition partition() {
            return partition;
        }

        @Override
        public String groupId() {
            return "labforge-agent-" + key;
        }

        @Override
        public void attach(KafkaConsumer<String, byte[]> consumer) throws InterruptedException {
            while (true) {
                List<PartitionInfo> parts = consumer.partitionsFor(topic, Duration.ofSeconds(10));
                if (parts != null && !parts.isEmpty()) {
                    partition = new TopicPartition(topic, Topics.partitionFor(key, parts.size()));
                    consumer.assign(List.of(partition));
                    consumer.position(partition);
                    LOG.info("{} reads partition {}", key, partition);
                    return;
                }
                LOG.info("waiting for topic {} (the orchestrator creates it)", topic);
                Thread.sleep(1000);
            }
        }

        @Override
        public boolean mine(ConsumerRecord<String, byte[]> record) {
            return key.equals(record.key()); // another host's id may hash to the same partition
        }

        @Override
        public void commit(KafkaConsumer<String, byte[]> consumer) {
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(consumer.position(partition))));
        }
    }
}
