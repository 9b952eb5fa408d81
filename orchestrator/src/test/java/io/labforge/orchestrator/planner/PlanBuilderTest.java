package io.labforge.orchestrator.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.features.Features;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.host.RestoreHostname;
import io.labforge.common.lab.host.SetHostname;
import io.labforge.common.lab.swarm.SwarmInit;
import io.labforge.common.lab.swarm.SwarmJoin;
import io.labforge.common.lab.swarm.SwarmLeave;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Typed steps: references are named through declared outputs, and what the compiler cannot check fails at planning. */
class PlanBuilderTest {
    static final Lab LAB = Features.PARSER.parse("""
            apiVersion: labforge/v1
            kind: Lab
            name: t
            hosts: [{name: m, address: 10.0.0.1}, {name: w, address: 10.0.0.2}]
            """, "t");

    @Test
    void aTextOutputBecomesAReferenceAndAnUndoTakesTheStepsOwnOutputs() {
        Plan plan = Planner.of(LAB, p -> {
            StepRef<SwarmInit> init = p.step(StepId.of("swarm-init@m"), "m", new SwarmInit("10.0.0.1", 4789, List.of()))
                    .undo(self -> new SwarmLeave(false))
                    .undoFrom("member", SwarmInit.CREATED)
                    .add();
            p.step(StepId.of("swarm-join@w"), "w", new SwarmJoin("worker", init.text(SwarmInit.MANAGER_ADDRESS),
                    init.text(SwarmInit.WORKER_TOKEN), "10.0.0.2")).after(init).add();
        });
        StepSpec join = plan.step(StepId.of("swarm-join@w"));
        assertThat(join.inputs().get("token").toString()).isEqualTo("{\"$ref\":\"swarm-init@m#workerToken\"}");
        assertThat(join.inputs().get("role").asString()).isEqualTo("worker");
        assertThat(plan.step(StepId.of("swarm-init@m")).compensation().inputs().get("member").toString())
                .isEqualTo("{\"$ref\":\"self#created\"}");
    }

    @Test
    void whatTheCompilerCannotCheckIsRefusedWhenTheStepIsAdded() {
        // a compensation's component that does not exist, or takes another type
        assertThatThrownBy(() -> Planner.of(LAB, p -> p.step(StepId.of("swarm-init@m"), "m", new SwarmInit("10.0.0.1", 4789, List.of()))
                .undo(self -> new SwarmLeave(false)).undoFrom("membr", SwarmInit.CREATED).add()))
                .hasMessageContaining("SwarmLeave has no component 'membr'");
        assertThatThrownBy(() -> Planner.of(LAB, p -> p.step(StepId.of("swarm-init@m"), "m", new SwarmInit("10.0.0.1", 4789, List.of()))
                .undo(self -> new SwarmLeave(false)).undoFrom("member", SwarmInit.NODE_ID).add()))
                .hasMessageContaining("SwarmLeave.member is a Boolean, not the String output 'nodeId'");
        // an output pasted into a longer text (a reference is a whole value)
        assertThatThrownBy(() -> Planner.of(LAB, p -> {
            StepRef<SwarmInit> init = p.step(StepId.of("swarm-init@m"), "m", new SwarmInit("10.0.0.1", 4789, List.of())).add();
            p.step(StepId.of("swarm-join@w"), "w", new SwarmJoin("worker", "tcp://" + init.text(SwarmInit.MANAGER_ADDRESS), "t", "a"))
                    .after(init).add();
        })).hasMessageContaining("a reference must be a whole value");
        // a step taken as another command's step (whose outputs it does not report)
        assertThatThrownBy(() -> Planner.of(LAB, p -> {
            p.step(StepId.of("hostname@m"), "m", new SetHostname("m", null)).add();
            p.ref(StepId.of("hostname@m"), SwarmInit.class);
        })).hasMessageContaining("step hostname@m runs agent.SetHostname, not agent.SwarmInit");
        // a step drafted and never added, and two steps of one id
        assertThatThrownBy(() -> Planner.of(LAB, p -> p.step(StepId.of("hostname@m"), "m", new SetHostname("m", null))))
                .hasMessageContaining("never added: [hostname@m]");
        assertThatThrownBy(() -> Planner.of(LAB, p -> {
            p.step(StepId.of("hostname@m"), "m", new SetHostname("m", null)).add();
            p.step(StepId.of("hostname@m"), "m", new SetHostname("m", null)).add();
        })).hasMessageContaining("two steps are named hostname@m");
    }

    @Test
    void textFromTheLabNeverPassesForAReference() {
        // a lab value shaped like a placeholder, NUL and all, is data: the plan's nonce is random
        String forged = "\0" + "0".repeat(24) + "\0secret-x@orchestrator#value";
        Plan plan = Planner.of(LAB, p -> p.step(StepId.of("hostname@m"), "m", new SetHostname(forged, null))
                .undo(self -> new RestoreHostname(self.text(SetHostname.PREVIOUS_HOSTNAME))).add());
        assertThat(plan.step(StepId.of("hostname@m")).inputs().get("hostname").isString()).isTrue();
        assertThat(plan.step(StepId.of("hostname@m")).inputs().get("hostname").asString()).isEqualTo(forged);
    }
}
