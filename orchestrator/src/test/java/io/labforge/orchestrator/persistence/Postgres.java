package io.labforge.orchestrator.persistence;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A real PostgreSQL for the persistence tests (zonky's binaries, started once per JVM), and a fresh
 * database with the orchestrator's schema (its Flyway migrations) for each test class.
 */
public final class Postgres {
    private static EmbeddedPostgres server;

    private Postgres() {
    }

    /** A new database holding the orchestrator's schema. */
    public static synchronized JdbcTemplate freshDatabase() {
        try {
            if (server == null) {
                server = EmbeddedPostgres.builder().start();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
        String name = "t" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        DataSource ds = server.getDatabase("postgres", name);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        return new JdbcTemplate(ds);
    }
}
