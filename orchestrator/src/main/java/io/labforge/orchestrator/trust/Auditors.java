package io.labforge.orchestrator.trust;

import io.labforge.common.messaging.Json;
import io.labforge.common.messaging.Topics;
import io.labforge.common.net.Dns;
import io.labforge.common.tls.Pki;
import io.labforge.orchestrator.audit.AuditLog;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Auditors: tools outside Labforge that read the audit log from Kafka ({@value Topics#AUDIT}) with a bus certificate of
 * their own. An auditor's principal may read that topic in its own consumer group ({@code labforge-auditor-NAME}) and
 * nothing else: it writes nowhere and reads no command. Registering and removing one is audited.
 */
public final class Auditors {
    /** What an auditor gets back: its principal, its certificate, the CA the broker's certificate is signed by, its group. */
    public record Grant(String name, String busPrincipal, String busCertificate, String busCa, String topic, String group) {
    }

    public record Registered(String name, String busPrincipal, Instant registeredAt, String registeredBy) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final AuditLog audit;
    private final Clock clock;
    private final BusCa ca;
    private final BusAccess access;

    public Auditors(JdbcTemplate jdbc, TransactionTemplate tx, AuditLog audit, Clock clock, BusCa ca, BusAccess access) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.audit = audit;
        this.clock = clock;
        this.ca = ca;
        this.access = access;
    }

    public static String group(String name) {
        return "labforge-auditor-" + name;
    }

    /**
     * Registers (or replaces) auditor {@code name} for the key of its certificate request {@code csrPem}; a replaced key's
     * principal loses its rights. {@code by}: the admin who asked.
     */
    public Grant register(String name, String csrPem, String by) {
        Dns.label("name", name);
        if (csrPem == null || csrPem.isBlank()) {
            throw new IllegalArgumentException("busCsr: the auditor's certificate request (PEM) is missing: labforge audit subscribe makes one");
        }
        String principal = BusCa.principal("auditor-" + name, Pki.requestKey(csrPem));
        Instant now = clock.instant();
        String previous = tx.execute(t -> {
            List<Map<String, Object>> old = jdbc.queryForList("SELECT bus_principal FROM auditor WHERE name = ? FOR UPDATE", name);
            jdbc.update("INSERT INTO auditor (name, bus_principal, registered_at, registered_by) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE"
                    + " SET bus_principal = EXCLUDED.bus_principal, registered_at = EXCLUDED.registered_at, registered_by = EXCLUDED.registered_by",
                    name, principal, Timestamp.from(now), by);
            audit.append(List.of(new AuditLog.Record(by, "auditor.registered", null, null, null, "auditor-" + name,
                    Json.object().put("busPrincipal", principal).put("topic", Topics.AUDIT))), now);
            return old.isEmpty() ? null : (String) old.get(0).get("bus_principal");
        });
        if (previous != null && !previous.equals(principal)) {
            access.revoke(previous);
        }
        access.grantAuditor(principal, group(name));
        return new Grant(name, principal, ca.issueClient(csrPem, principal), ca.caPem(), Topics.AUDIT, group(name));
    }

    /** Removes auditor {@code name}: its principal loses its rights. False when there was none. */
    public boolean remove(String name, String by) {
        Instant now = clock.instant();
        String principal = tx.execute(t -> {
            List<Map<String, Object>> old = jdbc.queryForList("SELECT bus_principal FROM auditor WHERE name = ? FOR UPDATE", name);
            if (old.isEmpty()) {
                return null;
            }
            jdbc.update("DELETE FROM auditor WHERE name = ?", name);
            String p = (String) old.get(0).get("bus_principal");
            audit.append(List.of(new AuditLog.Record(by, "auditor.removed", null, null, null, "auditor-" + name,
                    Json.object().put("busPrincipal", p))), now);
            return p;
        });
        if (principal == null) {
            return false;
        }
        access.revoke(principal);
        return true;
    }

    public List<Registered> list() {
        return jdbc.query("SELECT name, bus_principal, registered_at, registered_by FROM auditor ORDER BY name", (rs, i) -> new Registered(
                rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getString(4)));
    }
}
