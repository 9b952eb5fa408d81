package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.agent.Noop;
import io.labforge.common.id.LabId;
import io.labforge.common.id.SagaId;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.Json;
import io.labforge.common.step.StepEvent;
import io.labforge.orchestrator.persistence.SagaRepository;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.planner.StepSpec;
import io.labforge.orchestrator.saga.Saga;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The API's refusals, and the audit log's tamper evidence, against a real PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class LabSubmissionIT {
    Harness h;

    @BeforeAll
    void start(@TempDir Path dir) {
        h = new Harness(dir);
        h.startOrchestrator();
    }

    @AfterAll
    void stop() {
        h.close();
    }

    long count(String table) {
        return h.jdbc().queryForObject("SELECT count(*) FROM " + table, Long.class);
    }

    @Test
    @Order(1)
    void anInvalidLabIsRejectedWithAllItsErrorsAndLeavesOnlyTheRejection() throws IOException {
        List<Long> before = List.of(count("lab"), count("saga"), count("step"), count("outbox"), count("audit_log"));

        HttpResponse<String> r = h.post("/api/sagas", Files.readString(Path.of("..", "examples", "invalid-lab.yaml")));

        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
        JsonNode problem = Json.read(r.body());
        assertThat(problem.get("title").asString()).isEqualTo("Invalid lab");
        assertThat(problem.get("errors")).hasSize(8).allSatisfy(e -> {
            assertThat(e.get("line").asInt()).isPositive();
            assertThat(e.get("fix").asString()).isNotBlank();
        });
        assertThat(List.of(count("lab"), count("saga"), count("step"), count("outbox")))
                .isEqualTo(before.subList(0, 4));
        assertThat(count("audit_log")).isEqualTo(before.get(4) + 1);
        JsonNode last = Json.read(h.get("/api/audit?limit=1000").body());
        JsonNode rejection = last.get(last.size() - 1);
        assertThat(rejection.get("action").asString()).isEqualTo("lab.rejected");
        assertThat(rejection.get("actor").asString()).isEqualTo(Harness.ACTOR);
        assertThat(rejection.get("detail").get("errors")).hasSize(8);
    }

    @Test
    @Order(2)
    void unknownSagasAndBadRequestsAreProblems() {
        HttpResponse<String> missing = h.get("/api/sagas/3b241101-e2bb-4255-8caf-4136c566a962");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(Json.read(missing.body()).get("detail").asString()).contains("no saga has id");
        assertThat(h.get("/api/sagas/not-a-uuid").statusCode()).isEqualTo(400);
        assertThat(h.post("/api/sagas?mode=destroy", "x: 1").statusCode()).isEqualTo(400);
    }

    @Test
    @Order(3)
    void secretOutputsAreStoredEncryptedAndNeverShown() {
        // given a step whose worker answers with a secret (as a swarm init answers with its join token)
        StepSpec init = new StepSpec(
                StepId.of("init@m1"), "agent.Noop", "m1",
                (ObjectNode) Json.tree(new Noop(0, 0)),
                List.of(), Duration.ofMinutes(1), StepSpec.RetryPolicy.NONE, null);
        SagaId id = h.coordinator().submitPlan(LabId.of("secret"), "generated",
                Plan.of(List.of(init)), Lab.FailurePolicy.PAUSE,
                Saga.Mode.APPLY, "it-test");
        // the first commands of a saga may leave in the transaction after its start: wait until it is committed
        UUID command = org.awaitility.Awaitility.await("the step dispatched").atMost(Duration.ofSeconds(10))
                .until(() -> h.reads().awaited(id), l -> !l.isEmpty()).get(0);
        String token = "SWMTKN-1-very-secret-token";

        // when the answer arrives (from m1, past the sender check: straight into the coordinator)
        h.coordinator().onEvents(List.of(Envelope.of(
                new StepEvent.Succeeded(true, "swarm initialised",
                        Json.object().put("joinToken", token).put("nodeId", "n-1"), List.of("joinToken"), false, 1),
                "secret", id.toString(), "init@m1", 1, "m1", command, Instant.now(), null, false).withSigner("m1")));

        // then the database holds it sealed, the API and the audit log redacted, and a reload opens it
        String stored = h.jdbc().queryForObject("SELECT outputs::text FROM step WHERE saga_id = ?", String.class, id.value());
        assertThat(stored).doesNotContain(token).contains("$enc").contains("n-1");
        assertThat(h.get("/api/sagas/" + id).body()).doesNotContain(token).contains("***redacted***");
        assertThat(h.get("/api/audit/export").body()).doesNotContain(token);
        SagaRepository repo =
                h.orchestrator.getBean(SagaRepository.class);
        assertThat(repo.load(id).orElseThrow().step(StepId.of("init@m1")).outputs().get("joinToken")
                .asString()).isEqualTo(token);
    }

    @Test
    @Order(4)
    void theWebUiIsServedWithoutATokenAndSendsOneToTheApi() {
        HttpResponse<String> page = h.send(HttpRequest.newBuilder(URI.create(h.baseUrl() + "/")).GET().build());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Labforge console</title>", "/console/app.js", "/vendor/vis-timeline/");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("script-src 'self';", "frame-ancestors 'none'").doesNotContain("unsafe-eval"));
        // the console's code and its libraries come from the jar, without a token; what they show needs one
        HttpResponse<String> api = h.send(HttpRequest.newBuilder(URI.create(h.baseUrl() + "/console/api.js")).GET().build());
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(api.body()).contains("text/event-stream", "Authorization: 'Bearer '")
                .doesNotContain("new EventSource"); // EventSource cannot send the Authorization header
        for (String lib : List.of("/vendor/cytoscape/dist/cytoscape.min.js", "/vendor/vis-timeline/standalone/umd/vis-timeline-graph2d.min.js",
                "/vendor/ansi_up/ansi_up.js", "/vendor/marked/lib/marked.esm.js", "/vendor/dagre/dist/dagre.min.js")) {
            assertThat(h.send(HttpRequest.newBuilder(URI.create(h.baseUrl() + lib)).GET().build()).statusCode()).as(lib).isEqualTo(200);
        }
        assertThat(h.send(HttpRequest.newBuilder(URI.create(h.baseUrl() + "/api/sagas")).GET().build()).statusCode()).isEqualTo(401);
    }

    @Test
    @Order(5)
    void auditVerifyDetectsAChangedRowAndADeletedOne() {
        h.post("/api/sagas", "kind: Lab");
        h.post("/api/sagas", "kind: Lab");
        assertThat(Json.read(h.get("/api/audit/verify").body()).get("ok").asBoolean()).isTrue();
        JdbcTemplate jdbc = h.jdbc();

        // the log refuses changes through SQL…
        Assertions.assertThatThrownBy(() -> jdbc.update("DELETE FROM audit_log WHERE seq = 1"))
                .hasMessageContaining("append-only");
        // …so a tamperer turns the trigger off (superuser), and verify still catches it
        jdbc.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only");
        String actor = jdbc.queryForObject("SELECT actor FROM audit_log WHERE seq = 2", String.class);
        jdbc.update("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2");
        JsonNode changed = Json.read(h.get("/api/audit/verify").body());
        assertThat(changed.get("ok").asBoolean()).isFalse();
        assertThat(changed.get("problem").asString()).contains("row 2 was changed");

        jdbc.update("UPDATE audit_log SET actor = ? WHERE seq = 2", actor);
        assertThat(Json.read(h.get("/api/audit/verify").body()).get("ok").asBoolean()).isTrue();
        jdbc.update("DELETE FROM audit_log WHERE seq = 2");
        JsonNode deleted = Json.read(h.get("/api/audit/verify").body());
        assertThat(deleted.get("ok").asBoolean()).isFalse();
        assertThat(deleted.get("problem").asString()).contains("row 2 is missing");

        long last = jdbc.queryForObject("SELECT max(seq) FROM audit_log", Long.class);
        jdbc.update("DELETE FROM audit_log WHERE seq >= 2");
        assertThat(Json.read(h.get("/api/audit/verify").body()).get("problem").asString()).contains("ends at row 1")
                .contains(last + " rows were written");
    }
}
