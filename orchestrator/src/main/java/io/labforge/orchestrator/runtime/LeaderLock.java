package io.labforge.orchestrator.runtime;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One saga owner at a time: a PostgreSQL session advisory lock, held on its own connection for as
 * long as this orchestrator runs. A second orchestrator waits until the first one's session ends.
 */
public final class LeaderLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderLock.class);
    private static final long KEY = 0x4c616266L; // "Labf"

    private final Connection connection;

    private LeaderLock(Connection connection) {
        this.connection = connection;
    }

    public static LeaderLock acquire(DataSource ds, BooleanSupplier keepTrying) throws SQLException {
        Connection c = ds.getConnection();
        boolean told = false;
        try {
            while (keepTrying.getAsBoolean()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                    ps.setLong(1, KEY);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getBoolean(1)) {
                            return new LeaderLock(c);
                        }
                    }
                }
                if (!told) {
                    LOG.info("another orchestrator owns the sagas; standing by until it stops");
                    told = true;
                }
                Thread.sleep(500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        c.close();
        return null;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
