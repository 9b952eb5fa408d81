package io.labforge.orchestrator.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.persistence.Postgres;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** The hash chain on a real PostgreSQL: appended rows chain, and every kind of tampering is found and located. */
class AuditLogTest {
    JdbcTemplate jdbc;
    AuditLog log;
    final UUID saga = UUID.randomUUID();

    @BeforeEach
    void chainOfFive() {
        jdbc = Postgres.freshDatabase();
        log = new AuditLog(jdbc);
        Instant t = Instant.parse("2026-12-01T10:00:00.123456789Z");
        log.append(List.of(record("saga.started"), record("step.dispatched"), record("step.succeeded")), t);
        log.append(List.of(record("step.dispatched"), record("saga.succeeded")), t.plusSeconds(1));
    }

    AuditLog.Record record(String action) {
        return new AuditLog.Record("alice@cli", action, "lab", saga, "hostname@n1", "n1", Json.object().put("attempt", 1));
    }

    @Test
    void appendedRowsFormOneChainFromGenesis() {
        List<AuditEntry> rows = log.list(saga, 0, 100);
        assertThat(rows).extracting(AuditEntry::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(rows.get(0).prevHash()).isEqualTo("genesis");
        for (int i = 1; i < rows.size(); i++) {
            assertThat(rows.get(i).prevHash()).isEqualTo(rows.get(i - 1).hash());
        }
        assertThat(log.verify()).isEqualTo(new AuditLog.Verification(true, 5, 0, null));
    }

    /** What a tamperer with the database's superuser does first: the log refuses changes through SQL otherwise. */
    void disableTheAppendOnlyTrigger(JdbcTemplate db) {
        assertThatThrownBy(() -> db.update("UPDATE audit_log SET actor = 'x' WHERE seq = 1")).hasMessageContaining("append-only");
        assertThatThrownBy(() -> db.update("DELETE FROM audit_log WHERE seq = 1")).hasMessageContaining("append-only");
        db.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only");
    }

    @Test
    void aChangedRowIsFoundWhereItIs() {
        disableTheAppendOnlyTrigger(jdbc);
        jdbc.update("UPDATE audit_log SET actor = 'mallory@cli' WHERE seq = 3");
        AuditLog.Verification v = log.verify();
        assertThat(v.ok()).isFalse();
        assertThat(v.firstBadSeq()).isEqualTo(3);
        assertThat(v.problem()).contains("row 3 was changed after it was written");
    }

    @Test
    void aRowRemovedFromTheMiddleOrTheEndIsFound() {
        disableTheAppendOnlyTrigger(jdbc);
        jdbc.update("DELETE FROM audit_log WHERE seq = 2");
        assertThat(log.verify().problem()).contains("row 2 is missing");

        JdbcTemplate other = Postgres.freshDatabase();
        AuditLog second = new AuditLog(other);
        second.append(List.of(record("a"), record("b")), Instant.now());
        disableTheAppendOnlyTrigger(other);
        other.update("DELETE FROM audit_log WHERE seq = 2");
        assertThat(second.verify().problem()).contains("the log ends at row 1 but 2 rows were written");
    }

    @Test
    void aRowRewrittenWithItsHashRecomputedBreaksTheNextLink() {
        // a forger who recomputes the row's own hash still breaks the link to the row after it
        AuditEntry e = log.list(saga, 2, 1).get(0);
        String forged = AuditLog.hash(e.seq(), e.at(), "mallory@cli", e.action(), e.labId(), e.sagaId(), e.stepId(), e.target(),
                e.detail(), e.prevHash());
        disableTheAppendOnlyTrigger(jdbc);
        jdbc.update("UPDATE audit_log SET actor = 'mallory@cli', hash = ? WHERE seq = 3", forged);
        AuditLog.Verification v = log.verify();
        assertThat(v.ok()).isFalse();
        assertThat(v.firstBadSeq()).isEqualTo(4);
        assertThat(v.problem()).contains("does not follow the row before it");
    }
}
