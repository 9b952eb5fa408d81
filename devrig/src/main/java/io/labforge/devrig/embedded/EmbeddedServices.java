package io.labforge.devrig.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The embedded default: a real PostgreSQL from zonky's binaries and a real Kafka broker (KRaft)
 * from Kafka's own server jars, in this JVM. No Docker and no install needed.
 */
public final class EmbeddedServices implements AutoCloseable {
    private final EmbeddedPostgres postgres;
    private final EmbeddedKafka kafka;

    private EmbeddedServices(EmbeddedPostgres postgres, EmbeddedKafka kafka) {
        this.postgres = postgres;
        this.kafka = kafka;
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
        return new EmbeddedServices(pg, EmbeddedKafka.start(dataDir.resolve("kafka"), kafkaPort, advertisedHost));
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
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
        kafka.close();
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
