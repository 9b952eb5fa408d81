package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.labforge.common.id.LabId;
import io.labforge.common.id.SagaId;
import io.labforge.common.lab.Lab.FailurePolicy;
import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.runtime.OrchestratorRuntime;
import io.labforge.orchestrator.runtime.Ownership;
import io.labforge.orchestrator.runtime.SagaCoordinator;
import io.labforge.orchestrator.runtime.SagaRequests;
import io.labforge.orchestrator.saga.Saga;
import io.labforge.orchestrator.saga.SagaStatus;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Two orchestrators on one PostgreSQL and Kafka: one owns the sagas, the other stands by, serves reads
 * and takes over when the owner stops or its lease is taken; an owner whose lease was taken cannot
 * write. Each step runs once on its host through every change of owner, and the audit log verifies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(240)
class OwnershipIT {
    static final List<String> HOSTS = List.of("own1", "own2", "own3");
    static final String LEASE = "--labforge.lease=3s";
    Harness h;

    @BeforeAll
    void start(@TempDir Path dir) {
        h = new Harness(dir);
        h.startOrchestrator("--labforge.instance=orchestrator-a", LEASE);
        HOSTS.forEach(h::startAgent);
    }

    @AfterAll
    void stop() {
        h.close();
    }

    static boolean leads(ConfigurableApplicationContext o) {
        return o.getBean(OrchestratorRuntime.class).isLeader();
    }

    int succeeded(SagaId id) {
        return h.jdbc().queryForObject("SELECT count(*) FROM step WHERE saga_id = ? AND state = 'SUCCEEDED'", Integer.class, id.value());
    }

    void eachStepRanOnce(String prefix) {
        for (String host : HOSTS) {
            for (int i = 1; i <= 4; i++) {
                assertThat(h.executions(host, prefix + i + "@" + host)).as(prefix + i + "@" + host + " ran once").isEqualTo(1);
            }
        }
    }

    @Test
    @Order(1)
    void aStandbyServesTheApiAndTakesOverAtOnceWhenTheOwnerStops() throws Exception {
        ConfigurableApplicationContext a = h.orchestrator;
        ConfigurableApplicationContext b = h.startAnotherOrchestrator("--labforge.instance=orchestrator-b", LEASE);
        Thread.sleep(2_000);
        assertThat(leads(a)).isTrue();
        assertThat(leads(b)).as("b stands by while a holds the lease").isFalse();

        SagaId id = h.coordinator().submitPlan(LabId.of("failover"), "generated", SagaResilienceIT.chains(HOSTS, "stop", 4, 400),
                FailurePolicy.PAUSE, Saga.Mode.APPLY, "it-test");
        h.use(b);
        JsonNode owner = Json.read(h.get("/api/owner").body());
        assertThat(owner.get("owner").asString()).isEqualTo("orchestrator-a");
        assertThat(owner.get("this").asString()).isEqualTo("orchestrator-b");
        assertThat(owner.get("thisOwns").asBoolean()).isFalse();
        // a standby's live stream shows what the owner does, and goes on through the takeover
        List<String> live = new CopyOnWriteArrayList<>();
        h.http.sendAsync(h.request("/api/sagas/" + id + "/events").build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(r -> r.body().forEach(live::add));
        HttpResponse<String> read = h.get("/api/sagas/" + id);
        assertThat(read.statusCode()).as("a standby serves reads").isEqualTo(200);
        assertThat(Json.read(read.body()).get("status").asString()).isIn("RUNNING", "SUCCEEDED");
        // a standby takes changes too: the owner makes them (through PostgreSQL), its answer comes back as it gave it
        HttpResponse<String> refused = h.post("/api/sagas/" + id + "/resume", "");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(Json.read(refused.body()).get("detail").asString()).contains("only a PAUSED saga can be resumed");
        HttpResponse<String> planned = h.post("/api/sagas?mode=plan",
                "apiVersion: labforge/v1\nkind: Lab\nname: via-standby\nhosts:\n  - {name: own1, address: 10.56.0.1}\n");
        assertThat(planned.statusCode()).as(planned.body()).isEqualTo(201);
        String plan = Json.read(planned.body()).get("id").asString();
        assertThat(h.jdbc().queryForObject("SELECT actor FROM saga WHERE id = ?::uuid", String.class, plan)).isEqualTo(Harness.ACTOR);
        assertThat(h.awaitFinal(plan, Duration.ofSeconds(60)).get("status").asString()).isEqualTo("SUCCEEDED");
        // a pause asked of the standby is made by the owner too (here refused: that saga has ended)
        HttpResponse<String> pause = h.post("/api/sagas/" + plan + "/pause", "");
        assertThat(pause.statusCode()).as(pause.body()).isEqualTo(409);
        assertThat(Json.read(pause.body()).get("detail").asString()).contains("only a RUNNING saga can be paused");
        h.use(a);

        await("some steps done").atMost(Duration.ofSeconds(60)).until(() -> succeeded(id) >= 3);
        h.stopOrchestrator(); // a stops and hands the lease back
        long stopped = System.nanoTime();
        await("b takes over").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> leads(b));
        long takeover = (System.nanoTime() - stopped) / 1_000_000;
        System.out.println("takeover after the owner stopped: " + takeover + " ms");
        assertThat(takeover).as("a released lease is taken within the standby's poll").isLessThan(5_000);

        h.use(b);
        await("b finishes the saga").atMost(Duration.ofSeconds(90)).until(() -> h.reads().status(id) == SagaStatus.SUCCEEDED);
        eachStepRanOnce("stop");
        assertThat(Json.read(h.get("/api/audit/verify").body()).get("ok").asBoolean()).isTrue();
        await("the standby's stream saw the saga end").atMost(Duration.ofSeconds(10))
                .until(() -> live.stream().anyMatch(l -> l.contains("\"saga.succeeded\"")));
        assertThat(live.stream().filter(l -> l.contains("\"step.succeeded\"")).count()).as("every success, under a and under b")
                .isEqualTo(12);

        // a client that reconnects with the id of the last event it had gets what followed, in order
        List<Long> ids = live.stream().filter(l -> l.startsWith("id:")).map(l -> Long.parseLong(l.substring(3).strip())).toList();
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        long middle = ids.get(ids.size() / 2);
        List<String> resumed = new CopyOnWriteArrayList<>();
        h.http.sendAsync(h.request("/api/sagas/" + id + "/events").header("Last-Event-ID", Long.toString(middle)).build(),
                HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> r.body().forEach(resumed::add));
        await("the missed events replayed").atMost(Duration.ofSeconds(10))
                .until(() -> resumed.stream().anyMatch(l -> l.contains("\"saga.succeeded\"")));
        assertThat(resumed.stream().filter(l -> l.startsWith("id:")).map(l -> Long.parseLong(l.substring(3).strip())).toList())
                .containsExactlyElementsOf(ids.stream().filter(i -> i > middle).toList());
    }

    @Test
    @Order(2)
    void anOwnerWhoseLeaseWasTakenStopsWritingAndStandsByWhileTheNewOwnerFinishes() {
        ConfigurableApplicationContext b = h.orchestrator;
        ConfigurableApplicationContext c = h.startAnotherOrchestrator("--labforge.instance=orchestrator-c", LEASE);
        SagaId id = h.coordinator().submitPlan(LabId.of("fenced"), "generated", SagaResilienceIT.chains(HOSTS, "fence", 4, 400),
                FailurePolicy.PAUSE, Saga.Mode.APPLY, "it-test");
        await("some steps done").atMost(Duration.ofSeconds(60)).until(() -> succeeded(id) >= 3);

        // while b was frozen longer than its lease, another orchestrator took the lease (a new epoch): b must notice
        // and write nothing more
        h.jdbc().update("UPDATE saga_owner SET epoch = epoch + 1, holder = 'orchestrator-x', lease_until = now() + interval '5 seconds'");
        await("b notices and stands by").atMost(Duration.ofSeconds(4)).until(() -> !leads(b));
        assertThat(b.getBean(Ownership.class).owns()).isFalse();
        assertThatThrownBy(() -> b.getBean(SagaCoordinator.class).resume(id, "it-test")).as("b can no longer change a saga")
                .isInstanceOf(Ownership.NotOwner.class).hasMessageContaining("orchestrator-x");
        b.close();
        // x died at once: when its lease lapses, c takes over and finishes the saga
        await("c takes over").atMost(Duration.ofSeconds(15)).until(() -> leads(c));
        h.use(c);
        await("c finishes the saga").atMost(Duration.ofSeconds(90)).until(() -> h.reads().status(id) == SagaStatus.SUCCEEDED);
        eachStepRanOnce("fence");
        assertThat(Json.read(h.get("/api/audit/verify").body()).get("ok").asBoolean()).isTrue();
    }

    @Test
    @Order(3)
    void theFenceRefusesATransactionOfAnOwnerWhoseLeaseWasTaken() throws Exception {
        DriverManagerDataSource ds = new DriverManagerDataSource(Harness.infra().newDatabase("ownership_" + ProcessHandle.current().pid()),
                "postgres", "postgres");
        Flyway.configure().dataSource(ds).load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
        Ownership one = new Ownership(jdbc, "one", Duration.ofSeconds(1));
        Ownership two = new Ownership(jdbc, "two", Duration.ofSeconds(1));

        assertThat(one.tryAcquire()).isTrue();
        assertThat(two.tryAcquire()).as("the lease is held").isFalse();
        assertThatThrownBy(() -> tx.executeWithoutResult(t -> two.fence())).as("a standby cannot write")
                .isInstanceOfSatisfying(Ownership.NotOwner.class, e -> assertThat(e.lost()).isFalse());
        tx.executeWithoutResult(t -> {
            one.fence();
            jdbc.update("INSERT INTO lab (id, name, source) VALUES ('written', 'written', '')");
        });

        Thread.sleep(1_200); // one froze: no renewal
        assertThat(two.tryAcquire()).as("a lapsed lease is taken").isTrue();
        assertThat(two.epoch()).isGreaterThan(1);
        assertThatThrownBy(() -> tx.executeWithoutResult(t -> {
            one.fence();
            jdbc.update("INSERT INTO lab (id, name, source) VALUES ('stale', 'stale', '')");
        })).isInstanceOfSatisfying(Ownership.NotOwner.class, e -> assertThat(e.lost()).isTrue());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM lab WHERE id = 'stale'", Integer.class)).as("nothing written").isZero();
        assertThat(one.renew()).as("the old owner cannot renew a lease it lost").isFalse();
        assertThat(two.renew()).isTrue();

        // a change asked of a standby while no orchestrator serves requests is withdrawn, not left to run later
        Ownership standby = new Ownership(jdbc, "standby", Duration.ofSeconds(1));
        SagaRequests requests = new SagaRequests(null, null, standby, jdbc, Duration.ofSeconds(1));
        assertThatThrownBy(() -> requests.resume(io.labforge.common.id.SagaId.random(), "it-test"))
                .isInstanceOfSatisfying(Ownership.NotOwner.class, e -> assertThat(e.getMessage()).contains("nothing was changed"));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM saga_request", Integer.class)).as("withdrawn").isZero();
    }
}
