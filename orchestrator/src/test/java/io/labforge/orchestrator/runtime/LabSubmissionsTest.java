package io.labforge.orchestrator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.features.Features;
import io.labforge.common.id.LabId;
import io.labforge.common.id.SagaId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabError;
import io.labforge.common.lab.LabValidationException;
import io.labforge.orchestrator.plan.Planners;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.saga.Saga;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a submission becomes: a saga of the lab's plan, or only the record of its rejection; one-step tasks on a stored lab. */
class LabSubmissionsTest {
    record Started(LabId lab, Plan plan, Lab.FailurePolicy policy, Saga.Mode mode, String actor) {
    }

    final List<Started> started = new ArrayList<>();
    final List<List<LabError>> rejected = new ArrayList<>();
    final SagaStarter starter = new SagaStarter() {
        @Override
        public SagaId submitPlan(LabId lab, String source, Plan plan, Lab.FailurePolicy policy, Saga.Mode mode, String actor) {
            started.add(new Started(lab, plan, policy, mode, actor));
            return SagaId.random();
        }

        @Override
        public void recordRejection(String actor, Saga.Mode mode, List<LabError> errors) {
            rejected.add(errors);
        }
    };

    static String example(String name) throws IOException {
        return Files.readString(Path.of("..", "examples", name));
    }

    @Test
    void aValidLabStartsASagaOfItsPlanWithItsPolicy() throws IOException {
        LabSubmissions submissions = new LabSubmissions(Features.PARSER, Planners.all(), starter, id -> Optional.empty(), hosts -> List.of());
        submissions.submit(example("local-lab.yaml"), Saga.Mode.PLAN, "alice@cli");

        assertThat(started).singleElement().satisfies(s -> {
            assertThat(s.lab().value()).isEqualTo("local");
            assertThat(s.mode()).isEqualTo(Saga.Mode.PLAN);
            assertThat(s.actor()).isEqualTo("alice@cli");
            assertThat(s.plan().steps()).extracting(st -> st.id().value()).contains("hostname@node1", "firewall@node2");
        });
        assertThat(rejected).isEmpty();
    }

    @Test
    void anInvalidLabStartsNothingAndOnlyItsRejectionIsRecorded() throws IOException {
        LabSubmissions submissions = new LabSubmissions(Features.PARSER, Planners.all(), starter, id -> Optional.empty(), hosts -> List.of());
        assertThatThrownBy(() -> submissions.submit(example("invalid-lab.yaml"), Map.of(), Saga.Mode.APPLY, "bob@cli"))
                .isInstanceOf(LabValidationException.class);
        assertThat(started).isEmpty();
        assertThat(rejected).singleElement().satisfies(errors -> assertThat(errors).hasSize(8));
    }

    @Test
    void aLabNamingHostsNoAgentEverAnnouncedIsRefusedNamingThemAndStartsNothing() throws IOException {
        List<List<String>> asked = new ArrayList<>();
        LabSubmissions submissions = new LabSubmissions(Features.PARSER, Planners.all(), starter, id -> Optional.empty(), hosts -> {
            asked.add(hosts);
            return hosts.stream().filter(h -> !h.equals("node1")).toList();
        });
        assertThatThrownBy(() -> submissions.submit(example("local-lab.yaml"), Saga.Mode.APPLY, "alice@cli"))
                .isInstanceOf(SagaConflict.class)
                .hasMessageContaining("no agent has announced itself on node2, node3")
                .hasMessageContaining("labforge hosts bootstrap");
        assertThat(asked).singleElement().satisfies(hosts -> assertThat(hosts).containsExactlyInAnyOrder("node1", "node2", "node3"));
        assertThat(started).isEmpty();
        assertThat(rejected).isEmpty();
    }

    @Test
    void scalingReadsTheLabAppliedBeforeAndAnUnknownLabIsNotFound() throws IOException {
        String swarm = """
                apiVersion: labforge/v1
                kind: Lab
                name: swarm
                hosts:
                  - {name: m1, address: 10.0.0.1, docker: {tls-port: 2376}}
                  - {name: w1, address: 10.0.0.2}
                swarm:
                  managers: [m1]
                  workers: [w1]
                  services: [{name: web, image: 'nginx:1', replicas: 2}]
                """;
        LabSubmissions submissions = new LabSubmissions(Features.PARSER, Planners.all(), starter,
                id -> id.equals("swarm") ? Optional.of(swarm) : Optional.empty(), hosts -> List.of());
        submissions.scale("swarm", "web", 3, "carol@cli");
        assertThat(started).singleElement().satisfies(s -> {
            assertThat(s.plan().steps()).singleElement().satisfies(st -> assertThat(st.inputs().get("replicas").asInt()).isEqualTo(3));
            assertThat(s.mode()).isEqualTo(Saga.Mode.APPLY);
        });
        assertThatThrownBy(() -> submissions.scale("nope", "web", 3, "carol@cli")).isInstanceOf(SagaNotFound.class);
    }
}
