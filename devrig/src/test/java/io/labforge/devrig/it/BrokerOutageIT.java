package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labforge.common.id.LabId;
import io.labforge.common.id.SagaId;
import io.labforge.common.lab.Lab.FailurePolicy;
import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.saga.Saga;
import io.labforge.orchestrator.saga.SagaStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka down in the middle of a saga, 20 s and then 150 s (longer than the clients' own timeouts and
 * than the steps' 60 s timeout): the agents and the orchestrator outlive it, the steps that were waiting
 * get the time back, and the saga finishes without a hand on it, each step run once. A broker of this
 * test's own (the other tests share one).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class BrokerOutageIT {
    static final List<String> HOSTS = List.of("bo1", "bo2", "bo3");
    Harness h;

    @BeforeAll
    void start(@TempDir Path dir) {
        h = Harness.withOwnServers(dir);
        h.startOrchestrator();
        HOSTS.forEach(h::startAgent);
    }

    @AfterAll
    void stop() {
        h.close();
    }

    int succeeded(SagaId id) {
        return h.jdbc().queryForObject("SELECT count(*) FROM step WHERE saga_id = ? AND state = 'SUCCEEDED'", Integer.class, id.value());
    }

    void outage(String prefix, Duration down) throws InterruptedException {
        SagaId id = h.coordinator().submitPlan(LabId.of("outage-" + prefix), "generated", SagaResilienceIT.chains(HOSTS, prefix, 6, 300),
                FailurePolicy.PAUSE, Saga.Mode.APPLY, "it-test");
        await("the saga under way").atMost(Duration.ofSeconds(60)).until(() -> succeeded(id) >= 3);
        h.services.stopKafka();
        System.out.println("BrokerOutageIT: Kafka stopped for " + down.toSeconds() + " s with " + succeeded(id) + "/18 steps done");
        Thread.sleep(down.toMillis());
        int before = succeeded(id);
        h.services.startKafka();
        long back = System.nanoTime();
        await("the saga moves again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> succeeded(id) > before);
        long moving = (System.nanoTime() - back) / 1_000_000;
        await("the saga finishes by itself").atMost(Duration.ofSeconds(120)).until(() -> h.reads().status(id) == SagaStatus.SUCCEEDED);
        System.out.println("BrokerOutageIT: after " + down.toSeconds() + " s away, the saga moved again " + moving + " ms after Kafka was back");
        assertThat(moving).as("the saga moving again after the broker is back (ms)").isLessThan(20_000);
        for (String host : HOSTS) {
            for (int i = 1; i <= 6; i++) {
                assertThat(h.executions(host, prefix + i + "@" + host)).as(prefix + i + "@" + host + " ran once").isEqualTo(1);
            }
        }
        assertThat(h.jdbc().queryForObject("SELECT count(*) FROM audit_log WHERE saga_id = ? AND action = 'step.succeeded'", Integer.class,
                id.value())).isEqualTo(18);
        assertThat(Json.read(h.get("/api/audit/verify").body()).get("ok").asBoolean()).isTrue();
    }

    @Test
    @Order(1)
    void aShortOutage() throws InterruptedException {
        outage("short", Duration.ofSeconds(20));
    }

    @Test
    @Order(2)
    void anOutageLongerThanTheClientsTimeoutsAndTheStepsTimeout() throws InterruptedException {
        outage("long", Duration.ofSeconds(150));
    }
}
