package io.labforge.orchestrator.security;

import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.audit.AuditLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The REST API's own tokens: {@code lf_<id>_<secret>}, the id public (it names the token in lists and
 * revocations), the secret 256 random bits of which only a SHA-256 is stored. A token is shown once,
 * when it is created; creating and revoking one are audited, its value never is.
 */
public final class ApiTokens {
    private static final Pattern FORMAT = Pattern.compile("lf_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{0,62}");
    /** The name of the admin token an orchestrator makes for itself when it has none. */
    public static final String INITIAL_ADMIN = "initial-admin";
    private static final Duration LAST_USED_EVERY = Duration.ofMinutes(1);

    /** A token just made: {@code token} is its full text, shown this once. */
    public record Issued(String id, String name, Role role, String token) {
        @Override
        public String toString() {
            return "Issued[id=" + id + ", name=" + name + ", role=" + role + "]";
        }
    }

    /** What is known of a token, never its secret. */
    public record Info(String id, String name, Role role, Instant createdAt, String createdBy, Instant lastUsed,
            Instant revokedAt, String revokedBy) {
    }

    /** Whoever presented a valid token. */
    public record Holder(String id, String name, Role role) {
        /** How the audit log names this caller. */
        public String actor() {
            return "token:" + name;
        }
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> lastUsedWritten = new ConcurrentHashMap<>();

    public ApiTokens(JdbcTemplate jdbc, TransactionTemplate tx, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.audit = audit;
        this.clock = clock;
    }

    /** Makes a token; {@code by} is the actor who asked. A live token of that name must not exist. */
    public Issued create(String name, Role role, String by) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: '" + name + "' is not a token name: use 1 to 63 of a-z, 0-9, '.', '_', '@', '-', "
                    + "starting with a letter or digit (e.g. ci-runner)");
        }
        byte[] idBytes = new byte[8];
        byte[] secret = new byte[32];
        random.nextBytes(idBytes);
        random.nextBytes(secret);
        String id = HexFormat.of().formatHex(idBytes);
        String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = clock.instant();
        return tx.execute(t -> {
            Integer live = jdbc.queryForObject("SELECT count(*) FROM api_token WHERE name = ? AND revoked_at IS NULL", Integer.class, name);
            if (live != null && live > 0) {
                throw new IllegalStateException("a live token is already named '" + name + "': revoke it first "
                        + "(labforge token list; labforge token revoke ID) or choose another name");
            }
            jdbc.update("INSERT INTO api_token (id, name, role, secret_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
                    id, name, role.label(), hash(secretText), Timestamp.from(now), by);
            audit.append(List.of(new AuditLog.Record(by, "token.created", null, null, null, "token:" + name,
                    Json.object().put("id", id).put("role", role.label()))), now);
            return new Issued(id, name, role, "lf_" + id + "_" + secretText);
        });
    }

    /** The holder of {@code presented}, if it is a live token of this orchestrator. */
    public Optional<Holder> check(String presented) {
        Matcher m = presented == null ? null : FORMAT.matcher(presented);
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        String id = m.group(1);
        List<Map<String, Object>> rows = jdbc.queryForList(
                "SELECT name, role, secret_hash FROM api_token WHERE id = ? AND revoked_at IS NULL", id);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> row = rows.get(0);
        byte[] expected = ((String) row.get("secret_hash")).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, hash(m.group(2)).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        touch(id);
        return Optional.of(new Holder(id, (String) row.get("name"), Role.of((String) row.get("role"))));
    }

    /** Records when a token was last used, at most once a minute per token (not a write per request). */
    private void touch(String id) {
        Instant now = clock.instant();
        Instant last = lastUsedWritten.get(id);
        if (last == null || !now.isBefore(last.plus(LAST_USED_EVERY))) {
            lastUsedWritten.put(id, now);
            jdbc.update("UPDATE api_token SET last_used = ? WHERE id = ?", Timestamp.from(now), id);
        }
    }

    public List<Info> list() {
        return jdbc.query("SELECT id, name, role, created_at, created_by, last_used, revoked_at, revoked_by FROM api_token "
                + "ORDER BY created_at, id", (rs, i) -> new Info(rs.getString(1), rs.getString(2), Role.of(rs.getString(3)),
                        instant(rs.getTimestamp(4)), rs.getString(5), instant(rs.getTimestamp(6)), instant(rs.getTimestamp(7)),
                        rs.getString(8)));
    }

    /** Revokes a token at once (every later request with it is refused); false when no live token has that id. */
    public boolean revoke(String id, String by) {
        Instant now = clock.instant();
        return Boolean.TRUE.equals(tx.execute(t -> {
            List<String> names = jdbc.queryForList("UPDATE api_token SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL "
                    + "RETURNING name", String.class, Timestamp.from(now), by, id);
            if (names.isEmpty()) {
                return false;
            }
            audit.append(List.of(new AuditLog.Record(by, "token.revoked", null, null, null, "token:" + names.get(0),
                    Json.object().put("id", id))), now);
            return true;
        }));
    }

    /**
     * On an orchestrator's start: when no live admin token exists, makes one and writes it to {@code file}
     * (mode 600), so whoever runs the orchestrator can make the others. Returns true when it did.
     */
    public boolean ensureAdmin(Path file) {
        Integer admins = jdbc.queryForObject("SELECT count(*) FROM api_token WHERE role = 'admin' AND revoked_at IS NULL", Integer.class);
        if (admins != null && admins > 0) {
            return false;
        }
        jdbc.update("UPDATE api_token SET revoked_at = ?, revoked_by = 'orchestrator' WHERE name = ? AND revoked_at IS NULL",
                Timestamp.from(clock.instant()), INITIAL_ADMIN);
        Issued t = create(INITIAL_ADMIN, Role.ADMIN, "orchestrator");
        writePrivate(file, t.token() + "\n");
        return true;
    }

    /** Writes a file only its owner can read, replacing it whole. */
    public static void writePrivate(Path file, String content) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".token", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, content);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
