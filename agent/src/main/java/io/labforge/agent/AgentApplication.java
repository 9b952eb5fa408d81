package io.labforge.agent;

import io.labforge.common.id.HostId;
import io.labforge.common.worker.WorkerIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's entry point: {@code java -jar labforge-agent.jar --config=/etc/labforge/agent.properties}
 * runs the host's {@link Agent} until the process is stopped; {@code fleet DIR} runs one agent for each
 * {@code *.properties} file in DIR, in this one process (simulated hosts: see {@link Fleet}); {@code identity FILE}
 * makes the host's keys and prints its identity (what {@code hosts bootstrap} registers).
 */
public final class AgentApplication {
    private static final Logger LOG = LoggerFactory.getLogger(AgentApplication.class);

    private AgentApplication() {
    }

    /**
     * The only PKCS#12 key store an agent has is the one Kafka's client builds in memory from the PEM key (one per
     * client), locked with a password it holds beside it. The JDK locks and unlocks each key with 10,000 rounds of
     * PBKDF2, which protect nothing there and were a third of an agent's start (flight recording, 2026-12-03).
     * One round; a system property the JDK reads for this (java.security, "keystore.pkcs12.keyPbeIterationCount").
     */
    static final String KEY_STORE_ROUNDS = "keystore.pkcs12.keyPbeIterationCount";

    public static void main(String[] args) throws IOException, InterruptedException {
        System.setProperty(KEY_STORE_ROUNDS, "1");
        if (args.length == 2 && args[0].equals("identity")) {
            System.out.println(identity(Path.of(args[1])).toJson());
            return;
        }
        List<AgentSettings> settings;
        try {
            settings = args.length == 2 && args[0].equals("fleet") ? Fleet.settings(Path.of(args[1])) : List.of(AgentSettings.fromArgs(args));
        } catch (IllegalArgumentException | UncheckedIOException e) {
            System.err.println("labforge-agent: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<Agent> agents = new ArrayList<>();
        for (AgentSettings s : settings) {
            agents.add(Agent.start(s));
        }
        LOG.info(agents.size() == 1 ? "agent of {} started; Kafka at {}" : "a fleet of {} agents started; Kafka at {}",
                agents.size() == 1 ? settings.get(0).hostId() : agents.size(), settings.get(0).bootstrapServers());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // a fleet's agents stop side by side: each waits for its command in hand and closes its Kafka clients
            List<Thread> closing = agents.stream().map(a -> new Thread(a::close, "close-" + a.processor().hostId())).toList();
            closing.forEach(Thread::start);
            for (Thread t : closing) {
                try {
                    t.join(15_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            stopped.countDown();
        }, "agent-shutdown"));
        stopped.await();
    }

    /**
     * {@code java -jar labforge-agent.jar identity /etc/labforge/agent.properties}: makes the host's keys
     * (once) in the state directory that configuration names, and gives its identity, which
     * {@code hosts bootstrap} reads through its SSH session and registers. The host id comes from the
     * file, so the command bootstrap runs is a fixed string.
     */
    static WorkerIdentity identity(Path config) throws IOException {
        Map<String, String> p = AgentSettings.file(config);
        String host = p.get("host-id");
        if (host == null) {
            throw new IllegalStateException(config + " sets no " + AgentSettings.PREFIX + "host-id");
        }
        return WorkerIdentity.loadOrCreate(Path.of(p.getOrDefault("state-dir", "/var/lib/labforge-agent")), HostId.of(host).value()).identity();
    }
}
