package io.labforge.devrig.embedded;

import io.labforge.common.messaging.Bus;
import io.labforge.common.signing.EnvelopeSigner;
import io.labforge.orchestrator.trust.BusCa;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node Kafka (broker and controller, KRaft) from Kafka's own server classes, as
 * {@code kafka-storage.sh format} and {@code kafka-server-start.sh} run it: its log directory formatted,
 * then {@link KafkaRaftServer} started in this JVM. Its listeners take mutual TLS only, with
 * certificates of Labforge's bus CA, and its authorizer allows only what the ACLs say.
 */
final class EmbeddedKafka implements AutoCloseable {
    private final KafkaConfig config;
    private final String bootstrapServers;
    private KafkaRaftServer server;

    private EmbeddedKafka(KafkaConfig config, String bootstrapServers) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
    }

    /**
     * Starts it with its data in {@code dir}. {@code port} 0 picks a free one. With {@code advertisedHost}
     * the broker listens on every address and tells clients to use that one (lab hosts reach it there);
     * otherwise it listens on loopback only.
     */
    static EmbeddedKafka start(Path dir, int port, String advertisedHost, Bus.Tls brokerTls) {
        int brokerPort = port > 0 ? port : freePort();
        int controllerPort = freePort();
        String logDir = dir.toAbsolutePath().toString();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        String host = advertisedHost != null ? advertisedHost : "127.0.0.1";
        String bind = advertisedHost != null ? "0.0.0.0" : "127.0.0.1";
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "BUS://" + bind + ":" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "BUS://" + host + ":" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "BUS");
        // mutual TLS on every listener, certificates of Labforge's bus CA; a certificate's CN is its principal
        p.put("listener.security.protocol.map", "BUS:SSL,CONTROLLER:SSL");
        p.put("ssl.client.auth", "required");
        p.put("ssl.keystore.type", "PEM");
        p.put("ssl.keystore.certificate.chain", brokerTls.certificatePem());
        p.put("ssl.keystore.key", brokerTls.keyPem());
        p.put("ssl.truststore.type", "PEM");
        p.put("ssl.truststore.certificates", brokerTls.caPem());
        p.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+)$/$1/,DEFAULT");
        // nothing is allowed but what an ACL allows: the orchestrator grants each registered worker its rights
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:" + BusCa.BROKER + ";User:" + EnvelopeSigner.ORCHESTRATOR);
        p.put("allow.everyone.if.no.acl.found", "false");
        p.put("log.dirs", logDir);
        p.put("auto.create.topics.enable", "false");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        format(logDir);
        return new EmbeddedKafka(KafkaConfig.fromProps(p, false), host + ":" + brokerPort);
    }

    /** Stops the broker (its data kept), as an outage would. */
    synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /** Starts it again on the same ports and data after {@link #stop()}. */
    synchronized void restart() {
        if (server == null) {
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
        }
    }

    /** What {@code kafka-storage.sh format --standalone} does, for a fresh directory. */
    private static void format(String logDir) {
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir))
                    .setMetadataLogDirectory(logDir)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setControllerListenerName("CONTROLLER")
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka's log directory " + logDir + ": " + e.getMessage(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        stop();
    }
}
