package io.labforge.common.messaging;

import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The client settings every Labforge process uses: string keys, envelope bytes as values. Reached through
 * {@link Bus}, which adds mutual TLS: there is no plaintext client.
 */
final class KafkaClients {
    private KafkaClients() {
    }

    /*
     * Every client is made with enable.metrics.push=false: a client's metrics are not pushed to the broker (KIP-714),
     * so the client never loads Kafka's shaded OpenTelemetry classes, which the agent's jar leaves out.
     */

    /** Acknowledged by all in-sync replicas, idempotent, batched for at most 1 ms, uncompressed. */
    static Properties producer(String servers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        // uncompressed: the agents carry no compression codec (their jar is kept small), and envelopes are small
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        p.put(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, false);
        return p;
    }

    /**
     * Offsets committed by hand after the work is done; a new group starts at the earliest record
     * (what was sent before a consumer started is not lost; expired commands are refused by deadline).
     */
    static Properties consumer(String servers, String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_METRICS_PUSH_CONFIG, false);
        return p;
    }
}
