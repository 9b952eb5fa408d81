package io.labforge.orchestrator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.orchestrator.audit.AuditEntry;
import io.labforge.orchestrator.audit.AuditLog;
import io.labforge.orchestrator.persistence.Postgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** API tokens on a real PostgreSQL: shown once, kept hashed, checked, revoked at once, audited without their value. */
class ApiTokensTest {
    JdbcTemplate jdbc;
    AuditLog audit;
    ApiTokens tokens;

    @BeforeEach
    void database() {
        jdbc = Postgres.freshDatabase();
        audit = new AuditLog(jdbc);
        tokens = new ApiTokens(jdbc, new TransactionTemplate(new DataSourceTransactionManager(jdbc.getDataSource())), audit,
                Clock.systemUTC());
    }

    @Test
    void aTokenIsCheckedAgainstItsHashAndNamesItsHolder() {
        ApiTokens.Issued t = tokens.create("ci-runner", Role.OPERATOR, "token:initial-admin");
        assertThat(t.token()).matches("lf_[0-9a-f]{16}_[A-Za-z0-9_-]{43}").startsWith("lf_" + t.id() + "_");
        assertThat(tokens.check(t.token())).contains(new ApiTokens.Holder(t.id(), "ci-runner", Role.OPERATOR));
        // the secret is base64url and may itself hold a '_': it is what follows the id
        String secret = t.token().substring(("lf_" + t.id() + "_").length());
        // the database holds no part of the secret, only its SHA-256
        String row = jdbc.queryForMap("SELECT * FROM api_token WHERE id = ?", t.id()).toString();
        assertThat(row).doesNotContain(secret).contains(t.id());

        char last = t.token().charAt(t.token().length() - 1);
        String oneCharOff = t.token().substring(0, t.token().length() - 1) + (last == 'A' ? 'B' : 'A');
        assertThat(tokens.check(oneCharOff)).isEmpty();
        assertThat(tokens.check("lf_0000000000000000_" + secret)).isEmpty();
        assertThat(tokens.check("Bearer " + t.token())).isEmpty();
        assertThat(tokens.check("")).isEmpty();
        assertThat(tokens.check(null)).isEmpty();
    }

    @Test
    void aRevokedTokenIsRefusedAtOnceAndTheListSaysWhoRevokedIt() {
        ApiTokens.Issued t = tokens.create("laptop", Role.VIEWER, "token:initial-admin");
        assertThat(tokens.revoke(t.id(), "token:initial-admin")).isTrue();
        assertThat(tokens.check(t.token())).isEmpty();
        assertThat(tokens.revoke(t.id(), "token:initial-admin")).as("already revoked").isFalse();
        ApiTokens.Info info = tokens.list().get(0);
        assertThat(info.revokedAt()).isNotNull();
        assertThat(info.revokedBy()).isEqualTo("token:initial-admin");
        // the name is free again
        assertThat(tokens.create("laptop", Role.VIEWER, "token:initial-admin").name()).isEqualTo("laptop");
    }

    @Test
    void creatingAndRevokingAreAuditedWithoutTheTokenValue() {
        ApiTokens.Issued t = tokens.create("ci", Role.ADMIN, "oidc:alice");
        tokens.revoke(t.id(), "oidc:bob");
        List<AuditEntry> rows = audit.list(null, 0, 10);
        assertThat(rows).extracting(AuditEntry::action).containsExactly("token.created", "token.revoked");
        assertThat(rows).extracting(AuditEntry::actor).containsExactly("oidc:alice", "oidc:bob");
        assertThat(rows.toString()).doesNotContain(t.token().substring(20)).contains("token:ci");
        assertThat(t.toString()).doesNotContain(t.token());
        assertThat(audit.verify().ok()).isTrue();
    }

    @Test
    void badNamesAndASecondLiveTokenOfOneNameAreRefused() {
        assertThatThrownBy(() -> tokens.create("CI runner", Role.VIEWER, "x")).hasMessageContaining("name: 'CI runner'");
        assertThatThrownBy(() -> tokens.create(null, Role.VIEWER, "x")).hasMessageContaining("name");
        tokens.create("ci", Role.VIEWER, "x");
        assertThatThrownBy(() -> tokens.create("ci", Role.ADMIN, "x")).hasMessageContaining("already named 'ci'");
        assertThat(tokens.list()).hasSize(1);
    }

    @Test
    void aNewOrchestratorMakesOneAdminTokenAndWritesItForItsOwnerOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state/token");
        assertThat(tokens.ensureAdmin(file)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String token = Files.readString(file).strip();
        assertThat(tokens.check(token)).hasValueSatisfying(h -> {
            assertThat(h.role()).isEqualTo(Role.ADMIN);
            assertThat(h.name()).isEqualTo(ApiTokens.INITIAL_ADMIN);
        });
        assertThat(tokens.ensureAdmin(file)).as("an admin token exists").isFalse();
        assertThat(Files.readString(file).strip()).isEqualTo(token);

        // every admin token revoked: the next start makes a new one
        tokens.revoke(tokens.check(token).orElseThrow().id(), "oidc:alice");
        assertThat(tokens.ensureAdmin(file)).isTrue();
        assertThat(Files.readString(file).strip()).isNotEqualTo(token);
        assertThat(tokens.check(Files.readString(file).strip())).isPresent();
    }

    @Test
    void lastUseIsRecorded() {
        ApiTokens.Issued t = tokens.create("ci", Role.VIEWER, "x");
        assertThat(tokens.list().get(0).lastUsed()).isNull();
        tokens.check(t.token());
        assertThat(tokens.list().get(0).lastUsed()).isNotNull();
        assertThat(jdbc.queryForList("SELECT name FROM api_token", String.class)).isEqualTo(List.of("ci"));
    }
}
