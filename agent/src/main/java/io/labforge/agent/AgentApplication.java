package io.labforge.agent;

import io.labforge.agent.executor.AgentExecutors;
import io.labforge.agent.runtime.Facts;
import io.labforge.common.agent.AgentPresence;
import io.labforge.common.exec.HostRoot;
import io.labforge.common.id.HostId;
import io.labforge.common.messaging.Bus;
import io.labforge.common.messaging.Topics;
import io.labforge.common.signing.CommandVerifier;
import io.labforge.common.signing.Keys;
import io.labforge.common.worker.CommandProcessor;
import io.labforge.common.worker.CommandSource;
import io.labforge.common.worker.Journal;
import io.labforge.common.worker.WorkerIdentity;
import io.labforge.common.worker.WorkerLoop;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The agent: a non-web Spring Boot application that executes its host's commands. No
 * auto-configuration: it needs no database, no web server, nothing but its own beans.
 */
@SpringBootConfiguration
@EnableConfigurationProperties(AgentProperties.class)
public class AgentApplication {

    public static void main(String[] args) throws IOException {
        if (args.length == 2 && args[0].equals("identity")) {
            System.out.println(identity(Path.of(args[1])).toJson());
            return;
        }
        SpringApplication app = new SpringApplication(AgentApplication.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.run(args);
    }

    /**
     * {@code java -jar labforge-agent.jar identity /etc/labforge/agent.properties}: makes the host's keys
     * (once) in the state directory that configuration names, and gives its identity, which
     * {@code hosts bootstrap} reads through its SSH session and registers. The host id comes from the
     * file, so the command bootstrap runs is a fixed string.
     */
    static WorkerIdentity identity(Path config) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(config)) {
            p.load(r);
        }
        String host = p.getProperty("labforge.agent.host-id");
        if (host == null) {
            throw new IllegalStateException(config + " sets no labforge.agent.host-id");
        }
        return WorkerIdentity.loadOrCreate(Path.of(p.getProperty("labforge.agent.state-dir", "/var/lib/labforge-agent")),
                HostId.of(host).value()).identity();
    }

    @Bean(destroyMethod = "close")
    Journal journal(AgentProperties props) {
        return new Journal(props.stateDir().resolve("journal.jsonl"));
    }

    /**
     * The agent's own keys, made once in its state dir: it signs its events with one (hosts bootstrap
     * registered its public half), secrets sent to this host are sealed to another, and it connects to
     * Kafka with the third (its certificate came with the registration).
     */
    @Bean
    WorkerIdentity.Loaded agentKeys(AgentProperties props) {
        if (props.hostId() == null) {
            throw new IllegalStateException("labforge.agent.host-id is not set: the agent must know which host it is");
        }
        return WorkerIdentity.loadOrCreate(props.stateDir(), HostId.of(props.hostId()).value());
    }

    @Bean
    CommandProcessor commandProcessor(AgentProperties props, Journal journal, WorkerIdentity.Loaded keys) {
        CommandProcessor.Secrets secrets = new CommandProcessor.Secrets(keys.sealing(), sealingKey(props));
        return new CommandProcessor(keys.signer(), new CommandVerifier(Keys.decodePublic(publicKey(props))),
                AgentExecutors.all(), journal, new HostRoot(props.root()), Clock.systemUTC(), Duration.ofMillis(200), secrets);
    }

    private static String sealingKey(AgentProperties props) {
        if (props.orchestratorSealingKey() != null && !props.orchestratorSealingKey().isBlank()) {
            return props.orchestratorSealingKey().strip();
        }
        if (props.orchestratorSealingKeyFile() != null) {
            try {
                return Files.readString(props.orchestratorSealingKeyFile()).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read labforge.agent.orchestrator-sealing-key-file", e);
            }
        }
        return null;
    }

    private static String publicKey(AgentProperties props) {
        if (props.orchestratorPublicKey() != null && !props.orchestratorPublicKey().isBlank()) {
            return props.orchestratorPublicKey();
        }
        if (props.orchestratorPublicKeyFile() != null) {
            try {
                return Files.readString(props.orchestratorPublicKeyFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read labforge.agent.orchestrator-public-key-file", e);
            }
        }
        throw new IllegalStateException("set labforge.agent.orchestrator-public-key or -file: the agent runs only signed commands");
    }

    /** Reads only the partition its host id hashes to; announces itself with its facts, then heartbeats. */
    @Bean(initMethod = "start", destroyMethod = "stop")
    WorkerLoop agentLoop(AgentProperties props, CommandProcessor processor, WorkerIdentity.Loaded keys) {
        String version = AgentApplication.class.getPackage().getImplementationVersion();
        String host = processor.hostId();
        HostRoot root = new HostRoot(props.root());
        Clock clock = Clock.systemUTC();
        return new WorkerLoop(new Bus(props.bootstrapServers(), keys.busTls(props.stateDir())),
                CommandSource.ownPartition(Topics.AGENT_COMMANDS, host), processor,
                () -> WorkerLoop.presence(new AgentPresence.Announced(host, version == null ? "dev" : version,
                        Facts.gather(root, processor.sealingPublicKey())), host, clock.instant()), props.heartbeat(), clock);
    }
}
