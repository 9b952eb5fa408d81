package io.labforge.devrig.embedded;

import io.labforge.common.messaging.Bus;
import io.labforge.orchestrator.trust.BusCa;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The embedded default: a real PostgreSQL from zonky's binaries and a real Kafka broker (KRaft)
 * from Kafka's own server jars, in this JVM. No Docker and no install needed.
 */
public final class EmbeddedServices implements AutoCloseable {
    private EmbeddedPostgres postgres;
    private final Path postgresDir;
    private final EmbeddedKafka kafka;
    private final BusCa ca;
    private final Path caDir;

    private EmbeddedServices(EmbeddedPostgres postgres, Path postgresDir, EmbeddedKafka kafka, BusCa ca, Path caDir) {
        this.postgres = postgres;
        this.postgresDir = postgresDir;
        this.kafka = kafka;
        this.ca = ca;
        this.caDir = caDir;
    }

    /** The PostgreSQL server's data directory (its {@code postmaster.pid} names the server's process). */
    public Path postgresDir() {
        return postgresDir;
    }

    /** Where the bus CA's files are (an orchestrator's state directory, or the rig's own). */
    public Path busCaDir() {
        return caDir;
    }

    /**
     * Starts both; {@code kafkaPort} 0 picks a free port. Kafka listens on localhost only. {@code caDir}:
     * the orchestrator's state directory, whose bus CA signs the broker's certificate (made there if absent).
     */
    public static EmbeddedServices start(Path dataDir, int kafkaPort, Path caDir) {
        return start(dataDir, kafkaPort, null, caDir);
    }

    /**
     * Starts both. With {@code advertisedHost}, Kafka listens on every address and tells clients to
     * use that one: lab hosts (containers on a bridge, VMs) reach it there.
     */
    public static EmbeddedServices start(Path dataDir, int kafkaPort, String advertisedHost, Path caDir) {
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
        BusCa ca = BusCa.loadOrCreate(caDir);
        List<String> names = advertisedHost == null ? List.of("127.0.0.1", "localhost") : List.of(advertisedHost, "127.0.0.1", "localhost");
        return new EmbeddedServices(pg, dataDir.resolve("postgres"), EmbeddedKafka.start(dataDir.resolve("kafka"), kafkaPort, advertisedHost, ca.newBroker(names)), ca, caDir);
    }

    /** Kafka as a client with these credentials reaches it. */
    public Bus bus(Bus.Tls tls) {
        return new Bus(kafka.bootstrapServers(), tls);
    }

    /** The CA the broker trusts (the orchestrator's, whose state directory was given). */
    public BusCa busCa() {
        return ca;
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Stops Kafka (its data kept), as a broker outage would; {@link #startKafka()} brings it back on the same port. */
    public void stopKafka() {
        kafka.stop();
    }

    public void startKafka() {
        kafka.restart();
    }

    /**
     * Stops PostgreSQL for {@code down} and starts it again on the same data and port, as a restart of
     * the database server would: every connection is cut.
     */
    public synchronized void restartPostgres(java.time.Duration down) throws InterruptedException {
        int port = postgres.getPort();
        try {
            // zonky deletes a data directory it was told to clean when it closes, unless told not to
            synchronized (System.class) {
                System.setProperty("ot.epg.no-cleanup", "true");
                try {
                    postgres.close();
                } finally {
                    System.clearProperty("ot.epg.no-cleanup");
                }
            }
            Thread.sleep(down.toMillis());
            postgres = EmbeddedPostgres.builder().setDataDirectory(postgresDir).setCleanDataDirectory(false).setPort(port)
                    .setServerConfig("max_connections", "200").setServerConfig("fsync", "on").start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart the embedded PostgreSQL", e);
        }
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
