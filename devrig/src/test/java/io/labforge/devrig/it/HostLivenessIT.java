package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labforge.common.id.LabId;
import io.labforge.common.id.SagaId;
import io.labforge.common.lab.Lab.FailurePolicy;
import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.saga.Saga;
import io.labforge.orchestrator.saga.SagaStatus;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Liveness, with the agent as its own JVM (as its systemd unit runs it) beating every 2 s, and the
 * orchestrator taking a host silent for 6 s for offline. A lab naming a host no agent ever announced
 * itself on is refused before anything starts. A step longer than those 6 s runs to its end (the
 * heartbeats go on during it). The agent killed in the middle of a step: the host is shown offline,
 * the step fails at once with "host … offline since …" (not after its 60 s timeout), the saga pauses,
 * a resume is refused while the host is away, and once the agent is back, resume finishes the saga.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class HostLivenessIT {
    static final String HOST = "live-agent";
    Harness h;
    Process agent;
    Path state;
    Path root;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        h = new Harness(dir);
        h.startOrchestrator("--labforge.host-offline-after=6s");
        state = dir.resolve("agent-process-state");
        root = dir.resolve("agent-process-root");
        Files.createDirectories(root.resolve("etc"));
        h.enrol(state, HOST);
    }

    @AfterAll
    void stop() {
        if (agent != null) {
            agent.destroyForcibly();
        }
        h.close();
    }

    void launch() {
        agent = h.launchAgentProcess(HOST, root, state, Path.of("target", "host-liveness-it", "agent.log"));
    }

    JsonNode host(String name) {
        return Json.read(h.get("/api/hosts?name=" + name).body()).get(0);
    }

    String stepState(SagaId id, String step) {
        return h.jdbc().queryForObject("SELECT state FROM step WHERE saga_id = ? AND id = ?", String.class, id.value(), step);
    }

    @Test
    @Order(1)
    void aLabNamingAHostNoAgentAnnouncedItselfOnIsRefusedAndNothingStarts() {
        int sagas = h.jdbc().queryForObject("SELECT count(*) FROM saga", Integer.class);
        HttpResponse<String> r = h.post("/api/sagas", """
                apiVersion: labforge/v1
                kind: Lab
                name: liveness
                hosts:
                  - {name: ghost, address: 10.0.0.2}
                """);
        System.out.println("HostLivenessIT: a lab on a host without an agent: " + r.statusCode() + " " + r.body());
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(Json.read(r.body()).get("detail").asString()).contains("no agent has announced itself on ghost", "labforge hosts bootstrap");
        assertThat(h.jdbc().queryForObject("SELECT count(*) FROM saga", Integer.class)).isEqualTo(sagas);
        assertThat(host("ghost").get("state").asString()).isEqualTo("never seen");
    }

    @Test
    @Order(2)
    void aHostKilledMidSagaIsShownOfflineItsStepFailsAtOnceAndResumeFinishesOnceItIsBack() throws Exception {
        launch();
        await("the agent announces itself").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> host(HOST).get("state").asString().equals("online"));
        assertThat(host(HOST).get("agentVersion").isString()).isTrue();

        // steps of 8 s each, longer than the 6 s after which a silent host is offline
        SagaId id = h.coordinator().submitPlan(LabId.of("liveness"), "generated", SagaResilienceIT.chains(List.of(HOST), "long", 3, 8_000),
                FailurePolicy.PAUSE, Saga.Mode.APPLY, "it-test");
        await("the first 8 s step").atMost(Duration.ofSeconds(60)).until(() -> stepState(id, "long1@" + HOST).equals("SUCCEEDED"));
        assertThat(h.jdbc().queryForObject("SELECT attempt FROM step WHERE saga_id = ? AND id = ?", Integer.class, id.value(), "long1@" + HOST))
                .as("heard of throughout its step: not taken for offline").isEqualTo(1);

        await("the second step running").atMost(Duration.ofSeconds(30)).until(() -> stepState(id, "long2@" + HOST).equals("RUNNING"));
        agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        long killed = System.nanoTime();
        await("the step fails").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> stepState(id, "long2@" + HOST).equals("FAILED"));
        double failedAfter = (System.nanoTime() - killed) / 1e9;
        System.out.printf("HostLivenessIT: the step failed %.1fs after its agent was killed (its timeout: 60s)%n", failedAfter);
        assertThat(failedAfter).as("well before its 60 s timeout").isLessThan(20);
        String error = h.jdbc().queryForObject("SELECT error FROM step WHERE saga_id = ? AND id = ?", String.class, id.value(), "long2@" + HOST);
        Timestamp lastSeen = h.jdbc().queryForObject("SELECT last_seen FROM host WHERE lab_host = ?", Timestamp.class, HOST);
        assertThat(error).startsWith("host " + HOST + " offline since ").contains("then resume");
        assertThat(h.reads().status(id)).isEqualTo(SagaStatus.PAUSED);
        JsonNode shown = host(HOST);
        assertThat(shown.get("state").asString()).isEqualTo("offline");
        assertThat(shown.get("lastSeen").asString()).isEqualTo(lastSeen.toInstant().toString());

        HttpResponse<String> refused = h.post("/api/sagas/" + id + "/resume", "");
        System.out.println("HostLivenessIT: resume while the host is away: " + refused.statusCode() + " " + refused.body());
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(Json.read(refused.body()).get("detail").asString()).contains(HOST, "offline", "then resume");
        assertThat(h.reads().status(id)).isEqualTo(SagaStatus.PAUSED);

        launch();
        await("the agent is back").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> host(HOST).get("state").asString().equals("online"));
        assertThat(h.post("/api/sagas/" + id + "/resume", "").statusCode()).isEqualTo(200);
        await("the saga finishes").atMost(Duration.ofSeconds(90)).until(() -> h.reads().status(id) == SagaStatus.SUCCEEDED);
        assertThat(h.jdbc().queryForObject("SELECT count(*) FROM audit_log WHERE saga_id = ? AND action = 'step.failed'", Integer.class,
                id.value())).isEqualTo(1);
        assertThat(Json.read(h.get("/api/audit/verify").body()).get("ok").asBoolean()).isTrue();
    }
}
