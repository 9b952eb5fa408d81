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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * One host's agent: its keys (made once in its state directory), its journal, the processor that runs
 * its commands, and the loop that reads them from its own partition, announces the host with its
 * facts and sends heartbeats. Plain Java, built from {@link AgentSettings}: nothing else runs in an
 * agent's process.
 */
public final class Agent implements AutoCloseable {
    private final Journal journal;
    private final CommandProcessor processor;
    private final WorkerLoop loop;

    private Agent(Journal journal, CommandProcessor processor, WorkerLoop loop) {
        this.journal = journal;
        this.processor = processor;
        this.loop = loop;
    }

    /** Builds the agent and starts its loop. */
    public static Agent start(AgentSettings s) {
        WorkerIdentity.Loaded keys = WorkerIdentity.loadOrCreate(s.stateDir(), HostId.of(s.hostId()).value());
        Journal journal = new Journal(s.stateDir().resolve("journal.jsonl"));
        HostRoot root = new HostRoot(s.root());
        Clock clock = Clock.systemUTC();
        CommandProcessor processor = new CommandProcessor(keys.signer(), new CommandVerifier(Keys.decodePublic(publicKey(s))),
                AgentExecutors.all(), journal, root, clock, Duration.ofMillis(200),
                new CommandProcessor.Secrets(keys.sealing(), sealingKey(s)));
        String version = Agent.class.getPackage().getImplementationVersion();
        String host = processor.hostId();
        WorkerLoop loop = new WorkerLoop(new Bus(s.bootstrapServers(), keys.busTls(s.stateDir())),
                CommandSource.ownPartition(Topics.AGENT_COMMANDS, host), processor,
                () -> WorkerLoop.presence(new AgentPresence.Announced(host, version == null ? "dev" : version,
                        Facts.gather(root, processor.sealingPublicKey())), host, clock.instant()), s.heartbeat(), clock);
        Agent agent = new Agent(journal, processor, loop);
        loop.start();
        return agent;
    }

    public CommandProcessor processor() {
        return processor;
    }

    public WorkerLoop loop() {
        return loop;
    }

    /** Stops reading commands (the one in hand finishes, 10 s at most) and closes the journal. */
    @Override
    public void close() {
        loop.stop();
        journal.close();
    }

    private static String sealingKey(AgentSettings s) {
        if (s.orchestratorSealingKey() != null && !s.orchestratorSealingKey().isBlank()) {
            return s.orchestratorSealingKey().strip();
        }
        return s.orchestratorSealingKeyFile() == null ? null : read(s.orchestratorSealingKeyFile(), "orchestrator-sealing-key-file");
    }

    private static String publicKey(AgentSettings s) {
        if (s.orchestratorPublicKey() != null && !s.orchestratorPublicKey().isBlank()) {
            return s.orchestratorPublicKey().strip();
        }
        if (s.orchestratorPublicKeyFile() != null) {
            return read(s.orchestratorPublicKeyFile(), "orchestrator-public-key-file");
        }
        throw new IllegalArgumentException("set " + AgentSettings.PREFIX + "orchestrator-public-key or -file: the agent runs only signed commands");
    }

    private static String read(Path file, String setting) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + AgentSettings.PREFIX + setting + " " + file, e);
        }
    }
}
