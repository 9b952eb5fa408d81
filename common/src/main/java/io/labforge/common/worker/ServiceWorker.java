package io.labforge.common.worker;

import io.labforge.common.exec.Executor;
import io.labforge.common.exec.HostRoot;
import io.labforge.common.signing.CommandVerifier;
import io.labforge.common.signing.Keys;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * A service worker (cluster-service, gitlab-service) wired the one way both are: its state directory
 * (journal, its identity: {@link WorkerIdentity}, which an operator enrols with the orchestrator), the orchestrator's signing key it trusts, optionally a sealing key of its own and
 * the orchestrator's (for the secrets it receives and reports), its command topic. Settings are read
 * under {@code labforge.<kind>.*}, with {@code labforge.bootstrap-servers} for Kafka.
 */
public final class ServiceWorker {
    private final Journal journal;
    private final WorkerLoop loop;

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
        this.journal = new Journal(s.stateDir().resolve("journal.jsonl"));
        WorkerIdentity.Loaded keys = WorkerIdentity.loadOrCreate(s.stateDir(), s.target());
        CommandProcessor.Secrets secrets = s.sealsSecrets() ? new CommandProcessor.Secrets(keys.sealing(), s.orchestratorSealingKey()) : null;
        CommandProcessor processor = new CommandProcessor(keys.signer(), new CommandVerifier(s.orchestratorKey()),
                executors.apply(s.stateDir()), journal, new HostRoot(s.stateDir()), Clock.systemUTC(), Duration.ofMillis(200), secrets);
        this.loop = WorkerLoop.forService(s.servers(), s.topic(), processor);
    }

    public void start() {
        loop.start();
    }

    public void stop() {
        loop.stop();
        journal.close();
    }
}
