package io.labforge.orchestrator.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The embedded default: a real PostgreSQL from zonky's binaries and a real Kafka broker (KRaft)
 * from Kafka's own jars, in this JVM. No Docker and no install needed.
 */
public final class EmbeddedServices implements AutoCloseable {
    private final EmbeddedPostgres postgres;
    private final EmbeddedKafkaKraftBroker kafka;
    private final String advertised;

    private EmbeddedServices(EmbeddedPostgres postgres, EmbeddedKafkaKraftBroker kafka, String advertised) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.advertised = advertised;
    }

    /** Starts both; {@code kafkaPort} 0 picks a free port. Kafka listens on localhost only. */
    public static EmbeddedServices start(Path dataDir, int kafkaPort) {
        return start(dataDir, kafkaPort, null);
    }

    /**
     * Starts both. With {@code advertisedHost}, Kafka listens on every address and tells clients to
     * use that one: lab hosts (containers on a bridge, VMs) reach it there.
     */
    public static EmbeddedServices start(Path dataDir, int kafkaPort, String advertisedHost) {
        EmbeddedPostgres pg;
        try {
            Files.createDirectories(dataDir);
            pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir.resolve("postgres"))
                    .setCleanDataDirectory(true)
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "on")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        Map<String, String> props = new java.util.HashMap<>(Map.of("auto.create.topics.enable", "false", "log.dirs",
                dataDir.resolve("kafka").toAbsolutePath().toString()));
        if (advertisedHost != null) {
            // The test kit names its listeners EXTERNAL and CONTROLLER and binds them to ports of its own
            // choosing; these override its localhost binding, and port 0 in the advertised listener is
            // replaced by Kafka with the port it bound.
            props.put("listeners", "EXTERNAL://0.0.0.0:0,CONTROLLER://localhost:0");
            props.put("advertised.listeners", "EXTERNAL://" + advertisedHost + ":0");
        } else if (kafkaPort > 0) {
            broker.kafkaPorts(kafkaPort);
        }
        broker.brokerProperties(props);
        broker.afterPropertiesSet();
        String brokers = broker.getBrokersAsString();
        return new EmbeddedServices(pg, broker,
                advertisedHost == null ? null : advertisedHost + brokers.substring(brokers.lastIndexOf(':')));
    }

    public String kafkaBootstrapServers() {
        return advertised != null ? advertised : kafka.getBrokersAsString();
    }

    /** Creates a fresh database and returns its JDBC URL (user and password: postgres). */
    public String newDatabase(String name) {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name.replace("\"", "") + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return postgres.getJdbcUrl("postgres", name);
    }

    @Override
    public void close() {
        kafka.destroy();
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
