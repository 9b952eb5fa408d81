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
 * @param eventBatch at most this many worker events per saga-loop transaction: small batches let the
 *        first commands they lead to leave sooner (measured with {@code ./labforge bench}: at 100 hosts
 *        the median command→event latency fell from ~30 to ~17 ms going from 2000 to 10; throughput at
 *        1000 hosts stayed above 1500 steps/s)
 * @param dispatchBatch at most this many commands per saga-loop transaction; ready steps beyond
 *        it go in the next one, at once (a lab of 100 hosts starts as ten small transactions whose
 *        commands leave while the next are written)
 * @param instance this orchestrator's name among those sharing a database (default: host name and
 *        process id), shown as the sagas' owner
 * @param lease how long the owner's hold on the sagas lasts unrenewed (renewed every third of it): a
 *        standby takes over at most this long after the owner died or froze
 * @param hostOfflineAfter a host whose agent has not been heard of for this long (agents send a heartbeat
 *        every 10 s by default) is offline: its steps in flight fail at once, and {@code labforge hosts}
 *        shows it so
 * @param secretsDir where the secrets labs name are kept as files ({@code labforge secret set}); default
 *        {@code <stateDir>/secrets}. The demo, whose state directory is its own, points it at the CLI's store.
 */
@ConfigurationProperties("labforge")
public record OrchestratorProperties(String bootstrapServers, Path stateDir, Duration tick, Integer maxInFlightPerHost,
        Short topicReplication, Integer eventBatch, Integer dispatchBatch, String instance, Duration lease,
        Duration hostOfflineAfter, Path secretsDir) {

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
        if (eventBatch == null) {
            eventBatch = 10;
        }
        if (dispatchBatch == null) {
            dispatchBatch = 10;
        }
        if (instance == null || instance.isBlank()) {
            String host;
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "localhost";
            }
            instance = host + "-" + ProcessHandle.current().pid();
        }
        if (lease == null) {
            lease = Duration.ofSeconds(6);
        }
        if (hostOfflineAfter == null) {
            hostOfflineAfter = Duration.ofSeconds(30);
        }
        if (secretsDir == null) {
            secretsDir = stateDir.resolve("secrets");
        }
        if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("labforge.lease is " + lease + ": give at least 1s (the owner renews it every third of it)");
        }
    }
}
