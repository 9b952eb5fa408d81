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

    private EmbeddedServices(EmbeddedPostgres postgres, EmbeddedKafkaKraftBroker kafka) {
        this.postgres = postgres;
        this.kafka = kafka;
    }

    /** Starts both; {@code kafkaPort} 0 picks a free port. */
    public static EmbeddedServices start(Path dataDir, int kafkaPort) {
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
        if (kafkaPort > 0) {
            broker.kafkaPorts(kafkaPort);
        }
        broker.brokerProperties(Map.of("auto.create.topics.enable", "false", "log.dirs",
                dataDir.resolve("kafka").toAbsolutePath().toString()));
        broker.afterPropertiesSet();
        return new EmbeddedServices(pg, broker);
    }

    public String kafkaBootstrapServers() {
        return kafka.getBrokersAsString();
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
