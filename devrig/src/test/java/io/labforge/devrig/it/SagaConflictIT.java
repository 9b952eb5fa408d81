package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.labforge.common.id.LabId;
import io.labforge.common.id.SagaId;
import io.labforge.common.lab.Lab.FailurePolicy;
import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.runtime.SagaConflict;
import io.labforge.orchestrator.saga.Saga;
import io.labforge.orchestrator.saga.SagaStatus;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Sagas do not trample each other: while one changes a host, another that would change it is refused
 * (one on other hosts runs); compensating a saga whose hosts a later saga changed since is refused with
 * what it would undo, unless forced (audited).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class SagaConflictIT {
    Harness h;

    @BeforeAll
    void start(@TempDir Path dir) {
        h = new Harness(dir);
        h.startOrchestrator();
        List.of("x1", "x2").forEach(h::startAgent);
    }

    @AfterAll
    void stop() {
        h.close();
    }

    static String lab(String host) {
        return lab(host, "10.55.0.1");
    }

    static String lab(String host, String address) {
        return "apiVersion: labforge/v1\nkind: Lab\nname: conflict-" + host + "\nhosts:\n  - {name: " + host + ", address: " + address + "}\n";
    }

    JsonNode applied(String lab) {
        HttpResponse<String> r = h.post("/api/sagas", lab);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode done = h.awaitFinal(Json.read(r.body()).get("id").asString(), Duration.ofSeconds(60));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        return done;
    }

    @Test
    void aHostIsChangedByOneSagaAtATimeAndAnOlderSagaIsNotUndoneUnderANewerOne() throws Exception {
        // a slow saga on x1
        SagaId slow = h.coordinator().submitPlan(LabId.of("slow"), "generated", SagaResilienceIT.chains(List.of("x1"), "slow", 4, 700),
                FailurePolicy.PAUSE, Saga.Mode.APPLY, "it-test");
        HttpResponse<String> refused = h.post("/api/sagas", lab("x1"));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        JsonNode problem = Json.read(refused.body());
        assertThat(problem.get("title").asString()).isEqualTo("Hosts in use by another saga");
        assertThat(problem.get("detail").asString()).contains(slow.toString(), "x1", "RUNNING");
        assertThat(problem.get("heldBy").get(0).get("hosts").get(0).asString()).isEqualTo("x1");
        assertThat(Files.readString(h.hostRoot("x1").resolve("etc/hostname"))).as("nothing applied").isEqualTo("debian\n");
        // a plan only reads, and another host is free
        assertThat(h.post("/api/sagas?mode=plan", lab("x1")).statusCode()).isEqualTo(201);
        applied(lab("x2"));

        await("the slow saga ends").atMost(Duration.ofSeconds(60)).until(() -> h.reads().status(slow) == SagaStatus.SUCCEEDED);
        String first = applied(lab("x1")).get("id").asString();
        // the same lab again changes nothing: it does not stand in the way of undoing the first
        String same = applied(lab("x1")).get("id").asString();
        // x1 moved to another address: the hosts file changes
        String second = applied(lab("x1", "10.55.0.2")).get("id").asString();

        // undoing the first would undo, under the second, what the second built on
        HttpResponse<String> undo = h.post("/api/sagas/" + first + "/compensate", "");
        assertThat(undo.statusCode()).as(undo.body()).isEqualTo(409);
        JsonNode why = Json.read(undo.body());
        assertThat(why.get("title").asString()).isEqualTo("Superseded by a later saga");
        assertThat(why.get("supersededBy")).singleElement().satisfies(l -> assertThat(l.get("saga").asString()).isEqualTo(second));
        assertThat(why.toString()).doesNotContain(same);
        assertThat(why.get("wouldUndo").toString()).contains("hostname@x1");
        assertThat(why.get("detail").asString()).contains("--force");
        assertThat(h.reads().status(SagaId.parse(first))).isEqualTo(SagaStatus.SUCCEEDED);
        assertThatThrownBy(() -> h.coordinator().compensate(SagaId.parse(first), "it-test")).isInstanceOf(SagaConflict.class);

        // forced: done, and the audit log says so
        HttpResponse<String> forced = h.post("/api/sagas/" + first + "/compensate?force=true", "");
        assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
        assertThat(h.awaitFinal(first, Duration.ofSeconds(60)).get("status").asString()).isEqualTo("COMPENSATED");
        JsonNode audit = Json.read(h.get("/api/audit?sagaId=" + first + "&limit=1000").body());
        assertThat(audit).anySatisfy(row -> {
            assertThat(row.get("action").asString()).isEqualTo("saga.compensation-forced");
            assertThat(row.get("actor").asString()).isEqualTo(Harness.ACTOR);
            assertThat(row.get("detail").get("supersededBy").toString()).contains(second);
        });
        // the latest saga has no later one: undone without a question
        assertThat(h.post("/api/sagas/" + second + "/compensate", "").statusCode()).isEqualTo(200);
        assertThat(h.awaitFinal(second, Duration.ofSeconds(60)).get("status").asString()).isEqualTo("COMPENSATED");
    }
}
