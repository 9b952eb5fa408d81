package io.labforge.orchestrator;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code labforge.*}: where Kafka is, where the signing key lives, how often timers run.
 *
 * @param bootstrapServers Kafka
 * @param stateDir holds the orchestrator's Ed25519 key pair ({@code orchestrator.key}, {@code orchestrator.pub})
 * @param tick how often timeouts and retry delays are checked
 * @param maxInFlightPerHost how many steps may run at once on one host
 * @param topicReplication replication factor of the topics Labforge creates
 */
@ConfigurationProperties("labforge")
public record OrchestratorProperties(String bootstrapServers, Path stateDir, Duration tick, Integer maxInFlightPerHost,
        Short topicReplication) {

    public OrchestratorProperties {
        if (bootstrapServers == null) {
            bootstrapServers = "localhost:9092";
        }
        if (stateDir == null) {
            stateDir = Path.of(System.getProperty("user.home"), ".labforge");
        }
        if (tick == null) {
            tick = Duration.ofMillis(200);
        }
        if (maxInFlightPerHost == null) {
            maxInFlightPerHost = 4;
        }
        if (topicReplication == null) {
            topicReplication = 1;
        }
    }
}
