package io.labforge.orchestrator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.features.Features;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabFiles;
import io.labforge.common.lab.LabParser;
import io.labforge.common.messaging.Json;
import io.labforge.common.step.Output;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.planner.Refs;
import io.labforge.orchestrator.planner.StepSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The contract between the planner and the workers, for every lab in {@code examples/}: each step's
 * inputs (and its compensation's) decode, strictly, into the record of its command once each reference
 * is given a value of the type its producer declares; and every reference names an output its producer
 * declares.
 */
class PlanContractTest {
    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    @TestFactory
    Stream<DynamicTest> everyStepOfEveryExampleDecodesIntoItsCommandAndNamesDeclaredOutputs() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("..", "examples"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                String yaml = Files.readString(file);
                LabParser.Result read = Features.PARSER.read(yaml, LabFiles.collect(file, Features.PARSER.read(yaml)));
                if (!read.ok()) {
                    continue; // invalid-lab.yaml: its errors are the parser's tests
                }
                tests.add(DynamicTest.dynamicTest(file.getFileName().toString(), () -> checkPlan(read.lab())));
            }
        }
        assertThat(tests).as("labs planned").hasSizeGreaterThanOrEqualTo(5);
        return tests.stream();
    }

    private static void checkPlan(Lab lab) {
        check(Planners.all().plan(lab));
    }

    @Test
    void aReferenceToAnUndeclaredOutputOrInputsThatDoNotDecodeFailTheCheck() {
        // given plans a planner could not make, built by hand
        StepSpec init = step("swarm-init@m", "agent.SwarmInit", Json.object().put("advertiseAddress", "10.0.0.1").put("dataPathPort", 4789),
                List.of());
        ObjectNode join = Json.object().put("role", "worker").put("advertiseAddress", "10.0.0.2");
        join.set("managerAddress", Refs.ref("swarm-init@m", "managerAddress"));
        join.set("token", Refs.ref("swarm-init@m", "joinToken")); // SwarmInit declares workerToken and managerToken
        Plan undeclared = Plan.of(List.of(init, step("swarm-join@w", "agent.SwarmJoin", join, List.of(init.id()))));
        ObjectNode typo = Json.object().put("hostname", "n1").put("domian", "lab.test");
        Plan misnamed = Plan.of(List.of(step("hostname@n1", "agent.SetHostname", typo, List.of())));

        // then the check names what is wrong
        assertThatThrownBy(() -> check(undeclared)).hasMessageContaining("swarm-init@m#joinToken").hasMessageContaining("SwarmInit");
        assertThatThrownBy(() -> check(misnamed)).hasMessageContaining("hostname@n1").hasMessageContaining("domian");
    }

    private static StepSpec step(String id, String type, ObjectNode inputs, List<StepId> after) {
        return new StepSpec(StepId.of(id), type, id.substring(id.indexOf('@') + 1), inputs, after, Duration.ofMinutes(1),
                StepSpec.RetryPolicy.NONE, null);
    }

    private static void check(Plan plan) {
        assertThat(plan.steps()).isNotEmpty();
        for (StepSpec s : plan.steps()) {
            decodes(plan, s, s.commandType(), s.inputs());
            if (s.compensation() != null) {
                decodes(plan, s, s.compensation().commandType(), s.compensation().inputs());
            }
        }
    }

    private static void decodes(Plan plan, StepSpec step, String type, ObjectNode inputs) {
        Class<?> command = Features.TYPES.forName(type).javaType();
        assertThat(inputs.toString()).as(step.id() + ": a planning placeholder was left in").doesNotContain("\\u0000");
        JsonNode concrete = concrete(plan, step, inputs.deepCopy());
        try {
            STRICT.treeToValue(concrete, command);
        } catch (RuntimeException e) {
            throw new AssertionError(step.id() + ": its " + type + " does not decode from " + concrete + ": " + e.getMessage(), e);
        }
    }

    /** The inputs with each reference replaced by a value of the type its producer declares for that output. */
    private static JsonNode concrete(Plan plan, StepSpec step, JsonNode node) {
        if (node.isObject() && node.size() == 1 && node.has(Refs.SHARED)) {
            JsonNode value = plan.shared().get(node.get(Refs.SHARED).asString());
            assertThat(value).as(step.id() + " uses shared value " + node + ", which the plan does not hold").isNotNull();
            return value.deepCopy();
        }
        if (node.isObject()) {
            JsonNode ref = node.get(Refs.KEY);
            if (ref != null && node.size() == 1) {
                String text = ref.asString();
                String producer = text.substring(0, text.indexOf('#'));
                String output = text.substring(text.indexOf('#') + 1);
                String type = producer.equals(Refs.SELF) ? step.commandType()
                        : plan.step(StepId.of(producer)).commandType();
                Class<?> command = Features.TYPES.forName(type).javaType();
                Output<?, ?> declared = Output.find(command, output);
                assertThat(declared).as(step.id() + " refers to " + text + ", which " + command.getSimpleName() + " does not declare").isNotNull();
                return sample(declared.type());
            }
            ObjectNode o = (ObjectNode) node;
            for (Map.Entry<String, JsonNode> f : new ArrayList<>(o.properties())) {
                o.set(f.getKey(), concrete(plan, step, f.getValue()));
            }
        } else if (node.isArray()) {
            ArrayNode a = (ArrayNode) node;
            for (int i = 0; i < a.size(); i++) {
                a.set(i, concrete(plan, step, a.get(i)));
            }
        }
        return node;
    }

    private static JsonNode sample(Class<?> type) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (type == String.class) {
            return f.stringNode("x");
        }
        if (type == Boolean.class) {
            return f.booleanNode(true);
        }
        if (type == Long.class) {
            return f.numberNode(1L);
        }
        if (type == List.class) {
            return f.arrayNode();
        }
        if (type == Map.class) {
            return f.objectNode();
        }
        return Json.object();
    }
}
