package io.labforge.agent;

import io.labforge.common.id.HostId;
import io.labforge.common.worker.WorkerIdentity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's entry point: {@code java -jar labforge-agent.jar --config=/etc/labforge/agent.properties}
 * runs the host's {@link Agent} until the process is stopped; {@code identity FILE} makes the host's keys
 * and prints its identity (what {@code hosts bootstrap} registers).
 */
public final class AgentApplication {
    private static final Logger LOG = LoggerFactory.getLogger(AgentApplication.class);

    private AgentApplication() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length == 2 && args[0].equals("identity")) {
            System.out.println(identity(Path.of(args[1])).toJson());
            return;
        }
        AgentSettings settings;
        try {
            settings = AgentSettings.fromArgs(args);
        } catch (IllegalArgumentException e) {
            System.err.println("labforge-agent: " + e.getMessage());
            System.exit(2);
            return;
        }
        Agent agent = Agent.start(settings);
        LOG.info("agent of {} started; Kafka at {}", settings.hostId(), settings.bootstrapServers());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
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
