package io.labforge.common.worker;

import io.labforge.common.exec.Executor;
import io.labforge.common.exec.HostRoot;
import io.labforge.common.messaging.Bus;
import io.labforge.common.signing.CommandVerifier;
import io.labforge.common.signing.Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service worker (cluster-service, gitlab-service) wired the one way both are: its state directory
 * (journal, its identity: {@link WorkerIdentity}, which an operator enrols with the orchestrator), the orchestrator's signing key it trusts, optionally a sealing key of its own and
 * the orchestrator's (for the secrets it receives and reports), its command topic. Settings are read
 * under {@code labforge.<kind>.*}, with {@code labforge.bootstrap-servers} for Kafka.
 */
public final class ServiceWorker {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceWorker.class);
    private final Settings settings;
    private final Journal journal;
    private final WorkerIdentity.Loaded keys;
    private final CommandProcessor processor;
    private volatile WorkerLoop loop;

    /** What a service needs to run. */
    public record Settings(String kind, String target, String topic, Path stateDir, String servers, PublicKey orchestratorKey,
            boolean sealsSecrets, String orchestratorSealingKey) {

        /** From a property source (a Spring {@code Environment}, the system properties): {@code labforge.<kind>.*}. */
        public static Settings read(Function<String, String> property, String kind, String target, String topic, boolean sealsSecrets) {
            String p = "labforge." + kind + ".";
            Path stateDir = Path.of(or(property.apply(p + "state-dir"), "/var/lib/labforge-" + kind));
            PublicKey key = Keys.orchestratorKey(or(property.apply(p + "orchestrator-public-key"), ""),
                    or(property.apply(p + "orchestrator-public-key-file"), ""), p + "orchestrator-public-key");
            String sealing = sealsSecrets ? Keys.optionalText(or(property.apply(p + "orchestrator-sealing-key"), ""),
                    or(property.apply(p + "orchestrator-sealing-key-file"), ""), p + "orchestrator-sealing-key") : null;
            return new Settings(kind, target, topic, stateDir, or(property.apply("labforge.bootstrap-servers"), "localhost:9092"), key,
                    sealsSecrets, sealing);
        }

        private static String or(String v, String dflt) {
            return v == null ? dflt : v;
        }
    }

    /** The service with the executors {@code executors} makes for its state directory. */
    public ServiceWorker(Settings s, Function<Path, List<Executor<?>>> executors) {
        this.settings = s;
        this.journal = new Journal(s.stateDir().resolve("journal.jsonl"));
        this.keys = WorkerIdentity.loadOrCreate(s.stateDir(), s.target());
        CommandProcessor.Secrets secrets = s.sealsSecrets() ? new CommandProcessor.Secrets(keys.sealing(), s.orchestratorSealingKey()) : null;
        this.processor = new CommandProcessor(keys.signer(), new CommandVerifier(s.orchestratorKey()),
                executors.apply(s.stateDir()), journal, new HostRoot(s.stateDir()), Clock.systemUTC(), Duration.ofMillis(200), secrets);
    }

    /**
     * Connects once the service has its bus certificate: until an admin enrols it, it says how, every
     * 30 seconds, and waits (it has no other way onto Kafka).
     */
    public void start() {
        Path cert = settings.stateDir().resolve(WorkerIdentity.BUS_CERTIFICATE);
        long nextHint = 0;
        while (!Files.exists(cert)) {
            if (System.currentTimeMillis() >= nextHint) {
                LOG.warn("{} is not enrolled yet: run labforge workers enrol {} --install {} (an admin token is needed); waiting",
                        settings.target(), settings.stateDir().resolve(WorkerIdentity.FILE), settings.stateDir());
                nextHint = System.currentTimeMillis() + 30_000;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        loop = WorkerLoop.forService(new Bus(settings.servers(), keys.busTls(settings.stateDir())), settings.topic(), processor);
        loop.start();
    }

    public void stop() {
        if (loop != null) {
            loop.stop();
        }
        journal.close();
    }
}
