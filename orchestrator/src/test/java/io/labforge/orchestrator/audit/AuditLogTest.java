package io.labforge.orchestrator.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.messaging.Json;
import io.labforge.common.signing.Keys;
import io.labforge.orchestrator.persistence.Postgres;
import java.security.KeyPair;
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
    void aStepsRowsAreListedWithoutTheRestOfItsSaga() {
        log.append(List.of(new AuditLog.Record("alice@cli", "step.dispatched", "lab", saga, "firewall@n1", "n1", Json.object())), Instant.now());
        assertThat(log.list(saga, "firewall@n1", 0, 100)).extracting(AuditEntry::seq).containsExactly(6L);
        assertThat(log.list(saga, "hostname@n1", 0, 100)).hasSize(5);
        assertThat(log.list(saga, "hostname@n1", 3, 100)).extracting(AuditEntry::seq).containsExactly(4L, 5L);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> log.list(null, "firewall@n1", 0, 100)).hasMessageContaining("give sagaId");
    }

    @Test
    void appendedRowsFormOneChainFromGenesis() {
        List<AuditEntry> rows = log.list(saga, 0, 100);
        assertThat(rows).extracting(AuditEntry::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(rows.get(0).prevHash()).isEqualTo("genesis");
        for (int i = 1; i < rows.size(); i++) {
            assertThat(rows.get(i).prevHash()).isEqualTo(rows.get(i - 1).hash());
        }
        assertThat(log.verify()).isEqualTo(new AuditLog.Verification(true, 5, 0, null, 0));
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
        String forged = AuditLog.hash(new AuditEntry(e.seq(), e.at(), "mallory@cli", e.action(), e.labId(), e.sagaId(), e.stepId(),
                e.target(), e.detail(), e.signer(), e.prevHash(), null));
        disableTheAppendOnlyTrigger(jdbc);
        jdbc.update("UPDATE audit_log SET actor = 'mallory@cli', hash = ? WHERE seq = 3", forged);
        AuditLog.Verification v = log.verify();
        assertThat(v.ok()).isFalse();
        assertThat(v.firstBadSeq()).isEqualTo(4);
        assertThat(v.problem()).contains("does not follow the row before it");
    }

    /** Rewrites the log from row {@code from} on as a database superuser could: every hash recomputed, the head moved. */
    void rewriteFrom(long from, String newActor) {
        disableTheAppendOnlyTrigger(jdbc);
        String prev = from == 1 ? "genesis" : log.list(null, from - 2, 1).get(0).hash();
        for (AuditEntry e : log.list(null, from - 1, 100)) {
            AuditEntry changed = new AuditEntry(e.seq(), e.at(), e.seq() == from ? newActor : e.actor(), e.action(), e.labId(), e.sagaId(),
                    e.stepId(), e.target(), e.detail(), e.signer(), prev, null);
            prev = AuditLog.hash(changed);
            jdbc.update("UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?", changed.actor(), changed.prevHash(), prev,
                    e.seq());
        }
        jdbc.update("UPDATE audit_head SET hash = ? WHERE id = 1", prev);
    }

    @Test
    void aWholeRewriteWithEveryHashRecomputedPassesTheChainButNotTheOrchestratorsSeal() {
        rewriteFrom(3, "mallory@cli");
        assertThat(log.verify().ok()).as("without a seal, a full rewrite is consistent").isTrue();

        JdbcTemplate db = Postgres.freshDatabase();
        KeyPair keys = Keys.generate();
        AuditLog sealed = new AuditLog(db, keys);
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        sealed.append(List.of(record("saga.started"), record("step.dispatched"), record("step.succeeded"), record("saga.succeeded")), t);
        sealed.seal(saga, t);
        assertThat(sealed.verify()).satisfies(v -> {
            assertThat(v.ok()).isTrue();
            assertThat(v.seals()).isEqualTo(1);
        });
        jdbc = db;
        log = sealed;
        rewriteFrom(2, "mallory@cli");
        AuditLog.Verification v = sealed.verify();
        assertThat(v.ok()).isFalse();
        assertThat(v.problem()).contains("row 4 is not the row the orchestrator sealed");

        // a seal the forger makes with a key of their own is no orchestrator's
        db.update("UPDATE audit_seal SET hash = (SELECT hash FROM audit_log WHERE seq = 4), signature = ?",
                AuditCheck.sign(Keys.generate(), 4, db.queryForObject("SELECT hash FROM audit_log WHERE seq = 4", String.class)));
        assertThat(sealed.verify().problem()).contains("the seal of row 4 is not the orchestrator's signature");
    }

    @Test
    void aTailCutBackToAnEarlierHeadIsFoundByTheSealOfTheRowsItRemoved() {
        JdbcTemplate db = Postgres.freshDatabase();
        AuditLog sealed = new AuditLog(db, Keys.generate());
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        sealed.append(List.of(record("saga.started"), record("step.dispatched")), t);
        var head = db.queryForMap("SELECT seq, hash FROM audit_head");
        sealed.append(List.of(record("step.succeeded"), record("saga.succeeded")), t);
        sealed.seal(saga, t);
        disableTheAppendOnlyTrigger(db);
        db.update("DELETE FROM audit_log WHERE seq > 2");
        db.update("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", head.get("seq"), head.get("hash"));
        assertThat(sealed.verify().problem()).contains("the orchestrator sealed row 4, which is gone");
    }

    AuditLog.Record step(String action, String step, int attempt) {
        return new AuditLog.Record("orchestrator", action, "lab", saga, step, "n1", Json.object().put("attempt", attempt), "n1");
    }

    @Test
    void aSagasLifeMustMakeSense() {
        Instant t = Instant.parse("2026-12-01T11:00:00Z");
        JdbcTemplate db = Postgres.freshDatabase();
        AuditLog undispatched = new AuditLog(db);
        undispatched.append(List.of(step("step.dispatched", "a@n1", 1), step("step.succeeded", "a@n1", 2)), t);
        assertThat(undispatched.verify().problem()).contains("row 2: step a@n1 succeeded in attempt 2, which was never dispatched");

        AuditLog twice = new AuditLog(Postgres.freshDatabase());
        twice.append(List.of(step("step.dispatched", "a@n1", 1), step("step.succeeded", "a@n1", 1), step("step.succeeded", "a@n1", 1)), t);
        assertThat(twice.verify().problem()).contains("row 3: step a@n1 succeeded twice in attempt 1");

        AuditLog late = new AuditLog(Postgres.freshDatabase());
        late.append(List.of(step("step.dispatched", "a@n1", 1), new AuditLog.Record("orchestrator", "saga.succeeded", "lab", saga, null, null,
                Json.object()), step("step.succeeded", "a@n1", 1)), t);
        assertThat(late.verify().problem()).contains("row 3: step a@n1 succeeded after its saga had ended");

        AuditLog fine = new AuditLog(Postgres.freshDatabase());
        fine.append(List.of(step("step.dispatched", "a@n1", 1), step("step.failed", "a@n1", 1), step("step.dispatched", "a@n1", 2),
                step("step.succeeded", "a@n1", 2)), t);
        assertThat(fine.verify().ok()).isTrue();
        assertThat(fine.list(null, 0, 10).get(3).signer()).isEqualTo("n1");
    }
}
