package io.labforge.orchestrator.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Which orchestrator owns the sagas, kept in PostgreSQL so that it survives a restart of either: a
 * lease its holder renews, timed by the database's clock (the orchestrators' clocks do not matter),
 * and a fencing epoch that every takeover raises. An orchestrator owns the sagas while the epoch it
 * took is the current one; each saga transaction checks that first ({@link #fence()}), holding the row
 * in share mode so that a takeover waits for the transaction and every later one sees the new epoch.
 * A lease that lapsed (the owner died, froze, or lost the database for longer than the lease) is
 * taken by a standby; the old owner's next write is refused and it stands by.
 */
public final class Ownership {
    private final JdbcTemplate jdbc;
    private final String instance;
    private final Duration lease;
    /** The epoch this orchestrator holds; 0 while it stands by. */
    private volatile long epoch;

    /** Thrown by {@link #fence()} in an orchestrator that does not own the sagas (any more). */
    public static final class NotOwner extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean lost;

        NotOwner(String message, boolean lost) {
            super(message);
            this.lost = lost;
        }

        /** True when this orchestrator owned the sagas until now; false for a standby. */
        public boolean lost() {
            return lost;
        }
    }

    /** The current owner as the database records it. */
    public record Holder(String instance, long epoch, boolean leaseValid) {
    }

    public Ownership(JdbcTemplate jdbc, String instance, Duration lease) {
        this.jdbc = jdbc;
        this.instance = instance;
        this.lease = lease;
    }

    public String instance() {
        return instance;
    }

    public Duration lease() {
        return lease;
    }

    /** The epoch held, 0 when standing by. */
    public long epoch() {
        return epoch;
    }

    public boolean owns() {
        return epoch != 0;
    }

    /** Takes the sagas if their lease has lapsed (or was released); returns whether it did. */
    public boolean tryAcquire() {
        List<Long> taken = jdbc.queryForList("UPDATE saga_owner SET epoch = epoch + 1, holder = ?,"
                + " lease_until = now() + make_interval(secs => ?) WHERE id = 1 AND lease_until < now() RETURNING epoch",
                Long.class, instance, seconds());
        if (taken.isEmpty()) {
            return false;
        }
        epoch = taken.get(0);
        return true;
    }

    /** Extends the lease; false when another orchestrator has taken the sagas (this one no longer owns them). */
    public boolean renew() {
        long held = epoch;
        if (held == 0) {
            return false;
        }
        boolean renewed = jdbc.update("UPDATE saga_owner SET lease_until = now() + make_interval(secs => ?) WHERE id = 1 AND epoch = ?",
                seconds(), held) == 1;
        if (!renewed) {
            epoch = 0;
        }
        return renewed;
    }

    /** Stops owning: with {@code release}, hands the lease back so that a standby takes over at once. */
    public void standDown(boolean release) {
        long held = epoch;
        epoch = 0;
        if (release && held != 0) {
            jdbc.update("UPDATE saga_owner SET lease_until = '-infinity' WHERE id = 1 AND epoch = ?", held);
        }
    }

    /** Refuses at once in a standby, before any work (the transaction's {@link #fence()} still decides). */
    public void requireOwner() {
        if (epoch == 0) {
            throw new NotOwner(notOwnerMessage(), false);
        }
    }

    /**
     * In a transaction that changes sagas: goes on only if this orchestrator still owns them, and keeps
     * a takeover waiting until the transaction ends.
     */
    public void fence() {
        long held = epoch;
        if (held == 0) {
            throw new NotOwner(notOwnerMessage(), false);
        }
        Long current = jdbc.queryForObject("SELECT epoch FROM saga_owner WHERE id = 1 FOR SHARE", Long.class);
        if (current == null || current != held) {
            epoch = 0;
            throw new NotOwner("this orchestrator (" + instance + ") lost the sagas to another one (epoch " + held + " → " + current + ")", true);
        }
    }

    public Holder holder() {
        Map<String, Object> row = jdbc.queryForMap("SELECT holder, epoch, lease_until > now() AS valid FROM saga_owner WHERE id = 1");
        return new Holder((String) row.get("holder"), ((Number) row.get("epoch")).longValue(), Boolean.TRUE.equals(row.get("valid")));
    }

    private String notOwnerMessage() {
        try {
            Holder h = holder();
            return "this orchestrator (" + instance + ") is a standby: "
                    + (h.leaseValid() ? h.instance() + " owns the sagas; send this to it" : "no orchestrator owns the sagas right now; try again in a few seconds");
        } catch (RuntimeException e) {
            return "this orchestrator (" + instance + ") does not own the sagas";
        }
    }

    private double seconds() {
        return lease.toMillis() / 1000.0;
    }
}
