package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labforge.common.id.LabId;
import io.labforge.common.id.SagaId;
import io.labforge.common.lab.Lab.FailurePolicy;
import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.runtime.OrchestratorRuntime;
import io.labforge.orchestrator.saga.Saga;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * PostgreSQL restarted mid-saga, away longer than the lease, with a standby present (what once made two
 * owners: a session lock that vanished with the restart). One orchestrator owns the sagas afterwards,
 * the saga finishes by itself, every step ran once and its success is audited once, and the log
 * verifies. A database server of this test's own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class DatabaseRestartIT {
    static final List<String> HOSTS = List.of("db1", "db2");
    Harness h;

    @BeforeAll
    void start(@TempDir Path dir) {
        h = Harness.withOwnServers(dir);
        h.startOrchestrator("--labforge.instance=orchestrator-a", "--labforge.lease=3s");
        HOSTS.forEach(h::startAgent);
    }

    @AfterAll
    void stop() {
        h.close();
    }

    @Test
    void afterADatabaseRestartWithAStandbyPresentOneOwnerFinishesTheSagaWithEveryStepOnce() throws Exception {
        ConfigurableApplicationContext a = h.orchestrator;
        ConfigurableApplicationContext b = h.startAnotherOrchestrator("--labforge.instance=orchestrator-b", "--labforge.lease=3s");
        JdbcTemplate db = new JdbcTemplate(new DriverManagerDataSource(h.dbUrl, "postgres", "postgres"));
        SagaId id = h.coordinator().submitPlan(LabId.of("db-restart"), "generated", SagaResilienceIT.chains(HOSTS, "db", 6, 400),
                FailurePolicy.PAUSE, Saga.Mode.APPLY, "it-test");
        await("the saga under way").atMost(Duration.ofSeconds(60))
                .until(() -> db.queryForObject("SELECT count(*) FROM step WHERE saga_id = ? AND state = 'SUCCEEDED'", Integer.class,
                        id.value()) >= 3);

        h.services.restartPostgres(Duration.ofSeconds(8)); // longer than the 3 s lease
        System.out.println("DatabaseRestartIT: PostgreSQL was away 8 s");

        await("the saga finishes by itself").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> "SUCCEEDED".equals(db.queryForObject("SELECT status FROM saga WHERE id = ?", String.class, id.value())));
        boolean aLeads = a.getBean(OrchestratorRuntime.class).isLeader();
        boolean bLeads = b.getBean(OrchestratorRuntime.class).isLeader();
        System.out.println("DatabaseRestartIT: afterwards the owner is " + (aLeads ? "a" : bLeads ? "b" : "nobody yet") + ", epoch "
                + db.queryForObject("SELECT epoch FROM saga_owner", Long.class));
        assertThat(aLeads && bLeads).as("two owners").isFalse();
        for (String host : HOSTS) {
            for (int i = 1; i <= 6; i++) {
                assertThat(h.executions(host, "db" + i + "@" + host)).as("db" + i + "@" + host + " ran once").isEqualTo(1);
            }
        }
        assertThat(db.queryForList("SELECT step_id FROM audit_log WHERE saga_id = ? AND action = 'step.succeeded' GROUP BY step_id"
                + " HAVING count(*) <> 1", String.class, id.value())).as("successes audited more than once").isEmpty();
        assertThat(db.queryForObject("SELECT count(*) FROM audit_log WHERE saga_id = ? AND action = 'step.succeeded'", Integer.class,
                id.value())).isEqualTo(12);
        assertThat(db.queryForObject("SELECT count(*) FROM audit_log a WHERE saga_id = ? AND seq > (SELECT seq FROM audit_log"
                + " WHERE saga_id = ? AND action = 'saga.succeeded')", Integer.class, id.value(), id.value()))
                .as("nothing of the saga written after its end").isZero();
        ConfigurableApplicationContext owner = aLeads ? a : b;
        h.use(owner);
        assertThat(Json.read(h.get("/api/audit/verify").body()).get("ok").asBoolean()).isTrue();
    }
}
