package io.labforge.orchestrator.trust;

import io.labforge.common.messaging.Json;
import io.labforge.common.signing.EnvelopeVerifier;
import io.labforge.common.signing.Keys;
import io.labforge.common.worker.Registration;
import io.labforge.common.worker.WorkerIdentity;
import io.labforge.orchestrator.audit.AuditLog;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.ObjectNode;

/**
 * The identities of the workers the orchestrator trusts, in PostgreSQL, with their rights on Kafka: registered by
 * {@code hosts bootstrap} and enrolment only, each registration or change audited with the keys'
 * fingerprints. Lookups are cached for {@link #CACHE_FOR} (every event is checked against them); a
 * registration through this orchestrator is seen at once.
 */
public final class WorkerIdentities {
    static final Duration CACHE_FOR = Duration.ofSeconds(30);

    /** What a registration did. */
    public enum Change {
        REGISTERED, UNCHANGED, REPLACED
    }

    /** A registered worker, with its signing key ready to check signatures. */
    public record Trusted(String worker, String sealingKey, String fingerprint, EnvelopeVerifier verifier) {
    }

    /** A row of {@link #list()}. */
    public record Registered(String worker, String fingerprint, Instant registeredAt, String registeredBy) {
    }

    private record Cached(Optional<Trusted> trusted, Instant until) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final AuditLog audit;
    private final Clock clock;
    private final BusCa ca;
    private final BusAccess access;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /** {@code ca}: signs each registered worker's bus certificate; {@code access}: sets its rights on the broker. */
    public WorkerIdentities(JdbcTemplate jdbc, TransactionTemplate tx, AuditLog audit, Clock clock, BusCa ca, BusAccess access) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.audit = audit;
        this.clock = clock;
        this.ca = ca;
        this.access = access;
    }

    /**
     * Registers (or replaces) a worker's identity; {@code by} is who vouches for it (bootstrap's caller,
     * the enroller). Its principal on Kafka gets the worker's rights (a replaced one loses them) and a
     * certificate for the key of its request.
     */
    public Registration register(WorkerIdentity id, String by) {
        Instant now = clock.instant();
        String principal = BusCa.principal(id.worker(), id.busKey());
        String[] previous = {null};
        Change change = tx.execute(t -> {
            List<Map<String, Object>> old = jdbc.queryForList(
                    "SELECT signing_key, sealing_key, fingerprint, bus_principal FROM worker_identity WHERE worker = ? FOR UPDATE", id.worker());
            if (!old.isEmpty()) {
                previous[0] = (String) old.get(0).get("bus_principal");
            }
            if (!old.isEmpty() && id.signingKey().equals(old.get(0).get("signing_key")) && id.sealingKey().equals(old.get(0).get("sealing_key"))
                    && principal.equals(previous[0])) {
                return Change.UNCHANGED;
            }
            jdbc.update("INSERT INTO worker_identity (worker, signing_key, sealing_key, fingerprint, registered_at, registered_by, bus_principal) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (worker) DO UPDATE SET signing_key = EXCLUDED.signing_key, "
                    + "sealing_key = EXCLUDED.sealing_key, fingerprint = EXCLUDED.fingerprint, registered_at = EXCLUDED.registered_at, "
                    + "registered_by = EXCLUDED.registered_by, bus_principal = EXCLUDED.bus_principal", id.worker(), id.signingKey(),
                    id.sealingKey(), id.fingerprint(), Timestamp.from(now), by, principal);
            ObjectNode detail = Json.object().put("fingerprint", id.fingerprint())
                    .put("sealingKey", WorkerIdentity.fingerprint(id.sealingKey())).put("busPrincipal", principal);
            if (!old.isEmpty()) {
                detail.put("previousFingerprint", (String) old.get(0).get("fingerprint")).put("previousBusPrincipal", previous[0]);
            }
            Change c = old.isEmpty() ? Change.REGISTERED : Change.REPLACED;
            audit.append(List.of(new AuditLog.Record(by, c == Change.REGISTERED ? "identity.registered" : "identity.replaced", null, null,
                    null, id.worker(), detail)), now);
            return c;
        });
        cache.remove(id.worker());
        access.grant(id.worker(), principal, previous[0]);
        return new Registration(id.worker(), id.fingerprint(), change.name().toLowerCase(Locale.ROOT), principal,
                ca.issueClient(id.busCsr(), principal), ca.caPem());
    }

    /**
     * Removes a worker's identity ({@code hosts uninstall}): its messages are believed no more, its principal
     * loses every right on Kafka, and what it announced of itself is forgotten (the host is "never seen"
     * again). Audited as {@code identity.removed} with what was removed; false when none was registered.
     */
    public boolean remove(String worker, String by, String what) {
        Instant now = clock.instant();
        String[] principal = {null};
        Boolean removed = tx.execute(t -> {
            List<Map<String, Object>> old = jdbc.queryForList("SELECT fingerprint, bus_principal FROM worker_identity WHERE worker = ? FOR UPDATE",
                    worker);
            if (old.isEmpty()) {
                return false;
            }
            principal[0] = (String) old.get(0).get("bus_principal");
            jdbc.update("DELETE FROM worker_identity WHERE worker = ?", worker);
            jdbc.update("DELETE FROM host WHERE lab_host = ?", worker);
            ObjectNode detail = Json.object().put("fingerprint", (String) old.get(0).get("fingerprint")).put("busPrincipal", principal[0]);
            if (what != null && !what.isBlank()) {
                detail.put("removedFromHost", what);
            }
            audit.append(List.of(new AuditLog.Record(by, "identity.removed", null, null, null, worker, detail)), now);
            return true;
        });
        cache.remove(worker);
        if (Boolean.TRUE.equals(removed) && principal[0] != null) {
            access.revoke(principal[0]);
        }
        return Boolean.TRUE.equals(removed);
    }

    /** The identity registered for {@code worker}, if any. */
    public Optional<Trusted> trusted(String worker) {
        if (worker == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Cached c = cache.get(worker);
        if (c != null && now.isBefore(c.until())) {
            return c.trusted();
        }
        Optional<Trusted> t = jdbc.query("SELECT signing_key, sealing_key, fingerprint FROM worker_identity WHERE worker = ?",
                (rs, i) -> new Trusted(worker, rs.getString(2), rs.getString(3), new EnvelopeVerifier(Keys.decodePublic(rs.getString(1)))),
                worker).stream().findFirst();
        cache.put(worker, new Cached(t, now.plus(CACHE_FOR)));
        return t;
    }

    /** The sealing key registered for a worker: secrets for it are sealed to this key only. */
    public Optional<String> sealingKey(String worker) {
        return trusted(worker).map(Trusted::sealingKey);
    }

    public List<Registered> list() {
        return jdbc.query("SELECT worker, fingerprint, registered_at, registered_by FROM worker_identity ORDER BY worker",
                (rs, i) -> new Registered(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getString(4)));
    }
}
