package io.labforge.agent;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The agent's configuration ({@code labforge.agent.*}), written by {@code labforge hosts bootstrap}.
 *
 * @param hostId the host this agent is, as named in the lab
 * @param bootstrapServers Kafka
 * @param orchestratorPublicKey the orchestrator's Ed25519 public key (Base64 X.509); or
 * @param orchestratorPublicKeyFile a file holding it
 * @param orchestratorSealingKey the orchestrator's HPKE public key: secret outputs are sealed to it (without it the
 *        agent fails a step that produces a secret rather than send it in clear); or
 * @param orchestratorSealingKeyFile a file holding it
 * @param root {@code /} in production; another directory in tests on a machine the agent must not change
 * @param stateDir where the journal lives
 * @param heartbeat how often the agent says it is alive
 */
@ConfigurationProperties("labforge.agent")
public record AgentProperties(
        String hostId,
        String bootstrapServers,
        String orchestratorPublicKey,
        Path orchestratorPublicKeyFile,
        String orchestratorSealingKey,
        Path orchestratorSealingKeyFile,
        Path root,
        Path stateDir,
        Duration heartbeat) {

    public AgentProperties {
        if (bootstrapServers == null) {
            bootstrapServers = "localhost:9092";
        }
        if (root == null) {
            root = Path.of("/");
        }
        if (stateDir == null) {
            stateDir = Path.of("/var/lib/labforge-agent");
        }
        if (heartbeat == null) {
            heartbeat = Duration.ofSeconds(10);
        }
    }
}
