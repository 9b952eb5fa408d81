package io.labforge.orchestrator.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.features.Features;
import io.labforge.common.id.SagaId;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab.FailurePolicy;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabParser;
import io.labforge.common.messaging.Json;
import io.labforge.common.step.StepEvent;
import io.labforge.orchestrator.plan.Planners;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.planner.Planner;
import io.labforge.orchestrator.planner.StepSpec;
import io.labforge.orchestrator.saga.SagaEngine.Incoming;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Given a saga → expect these commands → given these replies → expect this state. */
class SagaEngineTest {
    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static Plan plan;

    static Plan plan() throws IOException {
        if (plan == null) {
            Lab lab = Features.PARSER.parse(Files.readString(Path.of("..", "examples", "local-lab.yaml")), "local-lab.yaml");
            plan = Planners.all().plan(lab);
        }
        return plan;
    }

    static Stream<String> everyStep() throws IOException {
        return plan().steps().stream().map(s -> s.id().value());
    }

    /** Answers every command at once: success with plausible outputs, or a failure where told. */
    static final class ScriptedWorker {
        final SagaEngine engine = new SagaEngine();
        final Saga saga;
        final Set<String> failing = new HashSet<>();
        final List<Effect.Dispatch> sent = new ArrayList<>();
        final List<Effect.Audit> audit = new ArrayList<>();
        final Deque<Effect.Dispatch> queue = new ArrayDeque<>();
        Instant now = T0;

        ScriptedWorker(FailurePolicy policy) throws IOException {
            saga = Saga.create(SagaId.random(), "local", Saga.Mode.APPLY, policy, plan());
        }

        void take(List<Effect> effects) {
            for (Effect e : effects) {
                if (e instanceof Effect.Dispatch d) {
                    sent.add(d);
                    queue.add(d);
                } else if (e instanceof Effect.Audit a) {
                    audit.add(a);
                }
            }
        }

        ScriptedWorker start() {
            take(engine.start(saga, now));
            return this;
        }

        ScriptedWorker runToQuiet() {
            while (!queue.isEmpty()) {
                Effect.Dispatch d = queue.poll();
                take(engine.onEvent(saga, new Incoming(d.step(), d.messageId(), d.target(), new StepEvent.Started("test")), now));
                boolean fail = !d.compensation() && failing.contains(d.step().value());
                StepEvent reply = fail ? new StepEvent.Failed("disk on fire", false, 5)
                        : new StepEvent.Succeeded(true, "+ done", outputsFor(d), List.of(), false, 5);
                take(engine.onEvent(saga, new Incoming(d.step(), d.messageId(), d.target(), reply), now));
            }
            return this;
        }

        List<String> compensations() {
            return sent.stream().filter(Effect.Dispatch::compensation).map(d -> d.step().value()).toList();
        }

        StepState state(String step) {
            return saga.step(StepId.of(step)).state();
        }
    }

    static JsonNode outputsFor(Effect.Dispatch d) {
        ObjectNode o = Json.object();
        switch (d.commandType()) {
            case "agent.SetHostname" -> o.put("hostname", d.payload().get("hostname").asString())
                    .put("fqdn", d.payload().get("hostname").asString() + ".lab.test").put("previousHostname", "localhost");
            case "agent.EnsureHostsEntries" -> o.put("previousBlock", "");
            case "agent.OpenFirewallPorts" -> {
                o.set("addedPorts", d.payload().get("ports"));
                o.set("addedServices", d.payload().get("services"));
            }
            case "agent.ConfigureDockerDaemon" -> o.put("previousContent", "{}").put("existed", true);
            case "agent.TrustRegistries" -> o.set("previous", Json.MAPPER.createArrayNode());
            case "agent.CreateTlsKey" -> o.put("csr", "csr").put("created", true);
            case "orchestrator.SignCertificate" -> o.put("certificate", "cert").put("ca", "ca");
            case "agent.InstallTlsFiles" -> o.set("previous", Json.object());
            default -> {
            }
        }
        return o;
    }

    @Test
    void happyPathRunsEveryStepOnceAndSucceeds() throws IOException {
        ScriptedWorker w = new ScriptedWorker(FailurePolicy.PAUSE).start();

        // the three hostname steps go out together: independent steps run in parallel
        assertThat(w.queue).extracting(d -> d.step().value())
                .containsExactlyInAnyOrder("hostname@node1", "hostname@node2", "hostname@node3");
        w.runToQuiet();

        assertThat(w.saga.status()).isEqualTo(SagaStatus.SUCCEEDED);
        assertThat(w.sent).extracting(d -> d.step().value()).doesNotHaveDuplicates()
                .hasSize(plan().steps().size());
        assertThat(w.audit).extracting(Effect.Audit::action).endsWith("saga.succeeded");
    }

    @Test
    void everyStepThatRanHasItsStartAndEndInOrderForTheTimeline() throws IOException {
        ScriptedWorker w = new ScriptedWorker(FailurePolicy.PAUSE).start();
        assertThat(w.saga.steps()).filteredOn(r -> r.state() == StepState.DISPATCHED)
                .isNotEmpty().allSatisfy(r -> assertThat(r.startedAt()).isNotNull());
        w.runToQuiet();
        assertThat(w.saga.steps()).allSatisfy(r -> {
            assertThat(r.startedAt()).as(r.spec().id().value()).isNotNull();
            assertThat(r.finishedAt()).as(r.spec().id().value()).isAfterOrEqualTo(r.startedAt());
        });
    }

    @Test
    void eachHostsFileCommandCarriesTheOneSharedListAuditedOnceWhenTheSagaStarts() throws IOException {
        ScriptedWorker w = new ScriptedWorker(FailurePolicy.PAUSE).start().runToQuiet();

        JsonNode list = plan().shared().get("hosts-entries");
        assertThat(list).hasSize(3);
        assertThat(w.sent).filteredOn(d -> d.commandType().equals("agent.EnsureHostsEntries")).hasSize(3)
                .allSatisfy(d -> assertThat(d.payload().get("entries")).isEqualTo(list));
        assertThat(w.audit).filteredOn(a -> a.action().equals("saga.started")).singleElement()
                .satisfies(a -> assertThat(a.detail().get("shared").get("hosts-entries")).isEqualTo(list));
        // the step's own audit names the list rather than repeating it
        assertThat(w.audit).filteredOn(a -> a.action().equals("step.dispatched") && a.step().value().startsWith("hosts-file@"))
                .allSatisfy(a -> assertThat(a.detail().get("inputs").get("entries").toString()).isEqualTo("{\"$shared\":\"hosts-entries\"}"));
    }

    @Test
    void aDispatchCapSendsReadyStepsOverSeveralCallsEachOnce() throws IOException {
        // twelve independent steps, at most five commands per call of the engine
        List<StepSpec> specs = new ArrayList<>();
        for (int h = 0; h < 12; h++) {
            specs.add(new StepSpec(StepId.of("s@h" + h), "agent.Noop", "h" + h,
                    Json.object(), List.of(), Duration.ofMinutes(1), StepSpec.RetryPolicy.DEFAULT,
                    null));
        }
        Saga saga = Saga.create(SagaId.random(), "many", Saga.Mode.APPLY, FailurePolicy.PAUSE, Plan.of(specs));
        SagaEngine engine = new SagaEngine(4, 5);
        List<String> sent = new ArrayList<>();
        Consumer<List<Effect>> take = effects -> effects.stream().filter(e -> e instanceof Effect.Dispatch)
                .forEach(e -> sent.add(((Effect.Dispatch) e).step().value()));

        take.accept(engine.start(saga, T0));
        assertThat(sent).hasSize(5);
        assertThat(saga.takeMoreToDispatch()).as("the caller is told to call again").isTrue();
        assertThat(saga.takeMoreToDispatch()).as("once").isFalse();
        take.accept(engine.tick(saga, T0));
        assertThat(sent).hasSize(10);
        assertThat(saga.takeMoreToDispatch()).isTrue();
        take.accept(engine.tick(saga, T0));
        assertThat(sent).hasSize(12).doesNotHaveDuplicates();
        assertThat(saga.takeMoreToDispatch()).as("nothing is left").isFalse();
    }

    @Test
    void hostsFileGetsTheNamesReportedByEveryHostnameStep() throws IOException {
        ScriptedWorker w = new ScriptedWorker(FailurePolicy.PAUSE).start().runToQuiet();

        Effect.Dispatch hosts = w.sent.stream().filter(d -> d.step().value().equals("hosts-file@node2")).findFirst()
                .orElseThrow();
        assertThat(hosts.payload().get("entries").get(2).get("names").get(0).asString()).isEqualTo("node3.lab.test");
        assertThat(hosts.payload().toString()).doesNotContain("$ref");
    }

    @Nested
    class PausePolicy {
        @Test
        void anOperatorsPauseLetsTheStepsInFlightFinishSendsNothingMoreAndResumeGoesOn() throws IOException {
            ScriptedWorker w = new ScriptedWorker(FailurePolicy.PAUSE).start();
            List<String> inFlight = w.queue.stream().map(d -> d.step().value()).toList();
            assertThat(inFlight).hasSize(3);

            w.take(w.engine.pause(w.saga));
            assertThat(w.saga.status()).isEqualTo(SagaStatus.PAUSED);
            assertThat(w.audit.get(w.audit.size() - 1).action()).isEqualTo("saga.paused");
            assertThat(w.audit.get(w.audit.size() - 1).detail().get("inFlight").asInt()).isEqualTo(3);
            int sent = w.sent.size();
            w.runToQuiet();
            w.take(w.engine.tick(w.saga, w.now.plusSeconds(600)));
            // the three in flight finished and kept their results; nothing new went out, and the saga waits
            assertThat(w.sent).hasSize(sent);
            assertThat(inFlight).allSatisfy(step -> assertThat(w.state(step)).isEqualTo(StepState.SUCCEEDED));
            assertThat(w.saga.status()).isEqualTo(SagaStatus.PAUSED);
            assertThatThrownBy(() -> w.engine.pause(w.saga)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("only a RUNNING saga can be paused");

            // resume goes on where it stopped: every step once
            w.take(w.engine.resume(w.saga, w.now));
            w.runToQuiet();
            assertThat(w.saga.status()).isEqualTo(SagaStatus.SUCCEEDED);
            assertThat(w.sent).extracting(d -> d.step().value()).doesNotHaveDuplicates().hasSize(plan().steps().size());
            assertThatThrownBy(() -> w.engine.pause(w.saga)).isInstanceOf(IllegalStateException.class).hasMessageContaining("SUCCEEDED");
        }

        @ParameterizedTest
        @MethodSource("io.labforge.orchestrator.saga.SagaEngineTest#everyStep")
        void failurePausesThenResumeCompletes(String failing) throws IOException {
            ScriptedWorker w = new ScriptedWorker(FailurePolicy.PAUSE);
            w.failing.add(failing);
            w.start().runToQuiet();

            assertThat(w.saga.status()).isEqualTo(SagaStatus.PAUSED);
            assertThat(w.state(failing)).isEqualTo(StepState.FAILED);
            assertThat(w.compensations()).isEmpty();

            // the host is fixed
            w.failing.clear();
            w.take(w.engine.resume(w.saga, w.now));
            w.runToQuiet();

            assertThat(w.saga.status()).isEqualTo(SagaStatus.SUCCEEDED);
            long runsOfFailed = w.sent.stream().filter(d -> d.step().value().equals(failing)).count();
            assertThat(runsOfFailed).isEqualTo(2);
            assertThat(w.sent.stream().filter(d -> !d.step().value().equals(failing)).map(Effect.Dispatch::step))
                    .as("no other step runs twice").doesNotHaveDuplicates();
        }

        @Test
        void resumingOneHostRetriesOnlyItsFailedStepsThenPausesAgainForTheOthers() throws IOException {
            ScriptedWorker w = new ScriptedWorker(FailurePolicy.PAUSE);
            w.failing.addAll(List.of("hosts-file@node2", "hosts-file@node3"));
            w.start().runToQuiet();
            assertThat(w.saga.status()).isEqualTo(SagaStatus.PAUSED);
            assertThat(w.state("hosts-file@node2")).isEqualTo(StepState.FAILED);
            assertThat(w.state("hosts-file@node3")).isEqualTo(StepState.FAILED);

            // node3 is fixed; node2 is not looked at yet
            w.failing.remove("hosts-file@node3");
            w.take(w.engine.resume(w.saga, w.now, Set.of("node3")));
            assertThat(w.state("hosts-file@node2")).as("set aside while node3 is retried").isEqualTo(StepState.HELD);
            assertThat(w.saga.status()).isEqualTo(SagaStatus.RUNNING);
            w.runToQuiet();

            assertThat(w.state("hosts-file@node3")).isEqualTo(StepState.SUCCEEDED);
            assertThat(w.state("hosts-file@node2")).isEqualTo(StepState.FAILED);
            assertThat(w.saga.status()).as("paused again: node2 still needs fixing").isEqualTo(SagaStatus.PAUSED);
            assertThat(w.sent.stream().filter(d -> d.step().value().equals("hosts-file@node2"))).as("node2's step was not retried").hasSize(1);
            assertThat(w.sent.stream().filter(d -> d.step().value().equals("hosts-file@node3"))).hasSize(2);
            assertThat(w.audit).filteredOn(a -> a.action().equals("saga.resumed")).singleElement()
                    .satisfies(a -> assertThat(a.detail().get("hosts").toString()).isEqualTo("[\"node3\"]"));

            w.failing.clear();
            w.take(w.engine.resume(w.saga, w.now));
            w.runToQuiet();
            assertThat(w.saga.status()).isEqualTo(SagaStatus.SUCCEEDED);
        }

        @Test
        void aHostRetriedThatFailsAgainPausesWithEveryFailedStepFailed() throws IOException {
            ScriptedWorker w = new ScriptedWorker(FailurePolicy.PAUSE);
            w.failing.addAll(List.of("hosts-file@node2", "hosts-file@node3"));
            w.start().runToQuiet();
            w.take(w.engine.resume(w.saga, w.now, Set.of("node3"))); // node3 still broken
            w.runToQuiet();
            assertThat(w.saga.status()).isEqualTo(SagaStatus.PAUSED);
            assertThat(w.saga.steps()).noneMatch(r -> r.state() == StepState.HELD);
            assertThat(w.state("hosts-file@node2")).isEqualTo(StepState.FAILED);
            assertThat(w.state("hosts-file@node3")).isEqualTo(StepState.FAILED);
        }

        @Test
        void aHostWithoutAFailedStepIsRefusedNamingThoseThatHaveOne() throws IOException {
            ScriptedWorker w = new ScriptedWorker(FailurePolicy.PAUSE);
            w.failing.add("hosts-file@node2");
            w.start().runToQuiet();
            assertThatThrownBy(() -> w.engine.resume(w.saga, w.now, Set.of("node1")))
                    .hasMessageContaining("no failed step runs on node1").hasMessageContaining("[node2]");
            assertThat(w.saga.status()).isEqualTo(SagaStatus.PAUSED);
        }

        @Test
        void onlyAPausedSagaResumes() throws IOException {
            ScriptedWorker w = new ScriptedWorker(FailurePolicy.PAUSE).start().runToQuiet();
            assertThatThrownBy(() -> w.engine.resume(w.saga, w.now)).hasMessageContaining("only a PAUSED saga");
        }
    }

    @Nested
    class CompensatePolicy {
        @ParameterizedTest
        @MethodSource("io.labforge.orchestrator.saga.SagaEngineTest#everyStep")
        void failureUndoesExactlyTheSucceededStepsInReverseDependencyOrder(String failing) throws IOException {
            ScriptedWorker w = new ScriptedWorker(FailurePolicy.COMPENSATE);
            w.failing.add(failing);
            w.start().runToQuiet();

            // steps with nothing to undo (Docker installed) are marked undone without a command
            List<String> succeededBeforeUndo = w.audit.stream().filter(a -> a.action().equals("step.succeeded"))
                    .map(a -> a.step().value()).filter(id -> plan.step(StepId.of(id)).compensation() != null).toList();
            assertThat(w.saga.status()).isEqualTo(SagaStatus.COMPENSATED);
            assertThat(w.compensations()).containsExactlyInAnyOrderElementsOf(succeededBeforeUndo);
            assertThat(w.compensations()).doesNotContain(failing);
            for (String undone : w.compensations()) {
                StepSpec spec = plan.step(StepId.of(undone));
                for (StepId dep : spec.dependsOn()) {
                    if (w.compensations().contains(dep.value())) {
                        assertThat(w.compensations().indexOf(dep.value()))
                                .as(dep + " is undone after " + undone + ", which depends on it")
                                .isGreaterThan(w.compensations().indexOf(undone));
                    }
                }
            }
        }

        @Test
        void compensationsUseWhatTheStepFound() throws IOException {
            ScriptedWorker w = new ScriptedWorker(FailurePolicy.COMPENSATE);
            w.failing.add("docker-daemon@node2");
            w.start().runToQuiet();

            Effect.Dispatch restore = w.sent.stream()
                    .filter(d -> d.compensation() && d.step().value().equals("hostname@node1")).findFirst().orElseThrow();
            assertThat(restore.commandType()).isEqualTo("agent.RestoreHostname");
            assertThat(restore.payload().get("hostname").asString()).isEqualTo("localhost");
            Effect.Dispatch close = w.sent.stream()
                    .filter(d -> d.compensation() && d.step().value().equals("firewall@node1")).findFirst().orElseThrow();
            assertThat(close.payload().get("ports")).hasSize(6);
        }

        @Test
        void aSucceededSagaCanBeUndoneOnRequest() throws IOException {
            ScriptedWorker w = new ScriptedWorker(FailurePolicy.PAUSE).start().runToQuiet();
            w.take(w.engine.compensate(w.saga, w.now));
            w.runToQuiet();

            assertThat(w.saga.status()).isEqualTo(SagaStatus.COMPENSATED);
            assertThat(w.compensations()).hasSize((int) plan().steps().stream().filter(s -> s.compensation() != null).count());
            assertThat(w.saga.steps()).allSatisfy(r -> assertThat(r.state()).isEqualTo(StepState.COMPENSATED));
        }
    }

    @Nested
    class TimeoutsAndRetries {
        StepSpec one(int attempts) {
            return new StepSpec(StepId.of("only"), "agent.Noop", "h1", Json.object(), List.of(), Duration.ofSeconds(10),
                    new StepSpec.RetryPolicy(attempts, Duration.ofSeconds(1), 2.0), null);
        }

        @Test
        void timeoutRetriesWithBackoffThenFails() {
            SagaEngine engine = new SagaEngine();
            Saga saga = Saga.create(SagaId.random(), "l", Saga.Mode.APPLY, FailurePolicy.PAUSE, Plan.of(List.of(one(3))));
            List<Effect> first = engine.start(saga, T0);
            Effect.Dispatch d1 = (Effect.Dispatch) first.get(1);

            // no answer: the deadline passes
            List<Effect> afterTimeout = engine.tick(saga, T0.plusSeconds(10));
            assertThat(afterTimeout).extracting(e -> e.getClass().getSimpleName()).containsExactly("Audit");
            assertThat(saga.step(StepId.of("only")).state()).isEqualTo(StepState.PENDING);
            assertThat(engine.tick(saga, T0.plusSeconds(10).plusMillis(999))).isEmpty();
            List<Effect> retry = engine.tick(saga, T0.plusSeconds(11));
            Effect.Dispatch d2 = (Effect.Dispatch) retry.get(0);
            assertThat(d2.attempt()).isEqualTo(2);

            // a late answer to attempt 1 is ignored
            assertThat(engine.onEvent(saga, new Incoming(d1.step(), d1.messageId(), d1.target(),
                    new StepEvent.Succeeded(true, "", Json.object(), List.of(), false, 1)), T0.plusSeconds(12))).isEmpty();

            engine.tick(saga, T0.plusSeconds(21));           // attempt 2 times out; next waits 2s
            Effect.Dispatch d3 = (Effect.Dispatch) engine.tick(saga, T0.plusSeconds(23)).get(0);
            assertThat(d3.attempt()).isEqualTo(3);
            engine.tick(saga, T0.plusSeconds(33));           // attempt 3 times out: the budget is spent

            assertThat(saga.step(StepId.of("only")).state()).isEqualTo(StepState.FAILED);
            assertThat(saga.step(StepId.of("only")).error()).contains("timeout");
            assertThat(saga.status()).isEqualTo(SagaStatus.PAUSED);
        }

        @Test
        void aFailureTheWorkerCallsFinalIsNotRetried() {
            SagaEngine engine = new SagaEngine();
            Saga saga = Saga.create(SagaId.random(), "l", Saga.Mode.APPLY, FailurePolicy.PAUSE, Plan.of(List.of(one(5))));
            Effect.Dispatch d = (Effect.Dispatch) engine.start(saga, T0).get(1);
            engine.onEvent(saga, new Incoming(d.step(), d.messageId(), d.target(), new StepEvent.Failed("bad input", false, 1)), T0);

            assertThat(saga.status()).isEqualTo(SagaStatus.PAUSED);
            assertThat(saga.step(StepId.of("only")).attempt()).isEqualTo(1);
        }

        @Test
        void anAnswerSignedByAnotherWorkerThanTheStepWasSentToIsRefusedAndAudited() {
            SagaEngine engine = new SagaEngine();
            Saga saga = Saga.create(SagaId.random(), "l", Saga.Mode.APPLY, FailurePolicy.PAUSE, Plan.of(List.of(one(5))));
            Effect.Dispatch d = (Effect.Dispatch) engine.start(saga, T0).get(1);
            List<Effect> out = engine.onEvent(saga, new Incoming(d.step(), d.messageId(), "not-" + d.target(),
                    new StepEvent.Succeeded(true, "", Json.object(), List.of(), false, 1)), T0);

            assertThat(out).singleElement().isInstanceOfSatisfying(Effect.Audit.class, a -> {
                assertThat(a.action()).isEqualTo("event.refused");
                assertThat(a.detail().get("reason").asString()).contains("signed by not-" + d.target(), "sent to " + d.target());
            });
            assertThat(saga.step(StepId.of("only")).state()).isEqualTo(StepState.DISPATCHED);
            assertThat(saga.status()).isEqualTo(SagaStatus.RUNNING);
            // the worker it was sent to is believed, and the audit row of its answer names it as the signer
            List<Effect> believed = engine.onEvent(saga, new Incoming(d.step(), d.messageId(), d.target(),
                    new StepEvent.Succeeded(true, "", Json.object(), List.of(), false, 1)), T0);
            assertThat(saga.status()).isEqualTo(SagaStatus.SUCCEEDED);
            assertThat(believed).filteredOn(e -> e instanceof Effect.Audit a && a.action().equals("step.succeeded"))
                    .singleElement().satisfies(e -> assertThat(((Effect.Audit) e).signer()).isEqualTo(d.target()));
            assertThat(believed).filteredOn(e -> e instanceof Effect.Audit a && a.action().equals("saga.succeeded"))
                    .singleElement().satisfies(e -> assertThat(((Effect.Audit) e).signer()).isNull());
        }

        @Test
        void aRejectedCommandFailsTheStepWithTheReason() {
            SagaEngine engine = new SagaEngine();
            Saga saga = Saga.create(SagaId.random(), "l", Saga.Mode.APPLY, FailurePolicy.PAUSE, Plan.of(List.of(one(5))));
            Effect.Dispatch d = (Effect.Dispatch) engine.start(saga, T0).get(1);
            engine.onEvent(saga, new Incoming(d.step(), d.messageId(), d.target(),
                    new StepEvent.CommandRejected(StepEvent.Rejection.BAD_SIGNATURE, "signature does not match")), T0);

            assertThat(saga.step(StepId.of("only")).error()).contains("BAD_SIGNATURE");
            assertThat(saga.status()).isEqualTo(SagaStatus.PAUSED);
        }

        @Test
        void aCommandThatExpiredBeforeItRanIsTriedAgain() {
            SagaEngine engine = new SagaEngine();
            Saga saga = Saga.create(SagaId.random(), "l", Saga.Mode.APPLY, FailurePolicy.PAUSE, Plan.of(List.of(one(3))));
            Effect.Dispatch d = (Effect.Dispatch) engine.start(saga, T0).get(1);
            engine.onEvent(saga, new Incoming(d.step(), d.messageId(), d.target(),
                    new StepEvent.CommandRejected(StepEvent.Rejection.EXPIRED, "the command expired")), T0);

            assertThat(saga.status()).isEqualTo(SagaStatus.RUNNING);
            Effect.Dispatch again = (Effect.Dispatch) engine.tick(saga, T0.plusSeconds(1)).get(0);
            assertThat(again.attempt()).isEqualTo(2);
            assertThat(again.messageId()).isNotEqualTo(d.messageId());
        }

        @Test
        void aNewOwnerGetsTheOrchestratorsOwnStepsInFlightAsTheyWereSent() {
            SagaEngine engine = new SagaEngine();
            StepSpec secret = new StepSpec(StepId.of("secret@orchestrator"), "orchestrator.ReadSecret", "orchestrator",
                    Json.object().put("name", "ROOT_PASSWORD"), List.of(), Duration.ofSeconds(10), StepSpec.RetryPolicy.DEFAULT, null);
            Saga saga = Saga.create(SagaId.random(), "l", Saga.Mode.APPLY, FailurePolicy.PAUSE, Plan.of(List.of(one(3), secret)));
            List<Effect.Dispatch> sent = engine.start(saga, T0).stream().filter(e -> e instanceof Effect.Dispatch)
                    .map(e -> (Effect.Dispatch) e).toList();
            Effect.Dispatch local = sent.stream().filter(d -> d.commandType().startsWith("orchestrator.")).findFirst().orElseThrow();

            List<Effect.Dispatch> again = engine.inFlight(saga, type -> type.startsWith("orchestrator."));
            assertThat(again).singleElement().satisfies(d -> {
                assertThat(d.messageId()).as("answered under the same id").isEqualTo(local.messageId());
                assertThat(d.attempt()).isEqualTo(local.attempt());
                assertThat(d.deadline()).isEqualTo(local.deadline());
                assertThat(d.payload()).isEqualTo(local.payload());
            });
            // and its answer, when it comes from the new owner's run, is taken
            engine.onEvent(saga, new Incoming(local.step(), local.messageId(), local.target(),
                    new StepEvent.Succeeded(true, "", Json.object(), List.of(), false, 1)), T0.plusSeconds(1));
            assertThat(saga.step(StepId.of("secret@orchestrator")).state()).isEqualTo(StepState.SUCCEEDED);
            assertThat(engine.inFlight(saga, type -> type.startsWith("orchestrator."))).isEmpty();
        }

        @Test
        void timeTheBusWasAwayIsGivenBackToTheStepsAwaitingAnAnswer() {
            SagaEngine engine = new SagaEngine();
            Saga saga = Saga.create(SagaId.random(), "l", Saga.Mode.APPLY, FailurePolicy.PAUSE, Plan.of(List.of(one(3))));
            engine.start(saga, T0);

            assertThat(engine.extendDeadlines(saga, Duration.ofSeconds(150))).isEqualTo(1);
            // the step's 10 s would have run out; with the outage's 150 s given back it has not
            assertThat(engine.tick(saga, T0.plusSeconds(100))).isEmpty();
            assertThat(saga.step(StepId.of("only")).state()).isEqualTo(StepState.DISPATCHED);
            assertThat(engine.tick(saga, T0.plusSeconds(160))).extracting(e -> ((Effect.Audit) e).action()).containsExactly("step.retry-scheduled");
        }
    }

    @Test
    void aHostGoneSilentFailsItsAgentStepsAtOnceWithoutRetryAndPausesTheSaga() {
        SagaEngine engine = new SagaEngine();
        StepSpec onH1 = new StepSpec(StepId.of("a@h1"), "agent.Noop", "h1", Json.object(), List.of(), Duration.ofSeconds(120),
                new StepSpec.RetryPolicy(5, Duration.ofSeconds(1), 2.0), null);
        StepSpec serviceForH1 = new StepSpec(StepId.of("svc@h1"), "cluster.Noop", "h1", Json.object(), List.of(), Duration.ofSeconds(120),
                StepSpec.RetryPolicy.DEFAULT, null);
        StepSpec onH2 = new StepSpec(StepId.of("b@h2"), "agent.Noop", "h2", Json.object(), List.of(), Duration.ofSeconds(120),
                StepSpec.RetryPolicy.DEFAULT, null);
        Saga saga = Saga.create(SagaId.random(), "l", Saga.Mode.APPLY, FailurePolicy.PAUSE, Plan.of(List.of(onH1, serviceForH1, onH2)));
        engine.start(saga, T0);

        List<Effect> out = engine.targetGone(saga, "h1", type -> type.startsWith("agent."), "host h1 offline since " + T0, T0.plusSeconds(30));

        assertThat(saga.step(StepId.of("a@h1")).state()).as("failed now, not after its 120 s, and not retried").isEqualTo(StepState.FAILED);
        assertThat(saga.step(StepId.of("a@h1")).error()).isEqualTo("host h1 offline since " + T0);
        assertThat(saga.step(StepId.of("svc@h1")).state()).as("a step another kind of worker runs is not judged").isEqualTo(StepState.DISPATCHED);
        assertThat(saga.step(StepId.of("b@h2")).state()).isEqualTo(StepState.DISPATCHED);
        assertThat(saga.status()).isEqualTo(SagaStatus.PAUSED);
        assertThat(out).filteredOn(e -> e instanceof Effect.Audit).extracting(e -> ((Effect.Audit) e).action())
                .containsExactly("step.failed", "saga.paused");
        // nothing more to fail: a second call changes nothing
        assertThat(engine.targetGone(saga, "h1", type -> type.startsWith("agent."), "again", T0.plusSeconds(31))).isEmpty();
    }

    @Test
    void atMostTheBoundRunsOnOneHostAndAFreedSlotIsFilledAtOnce() {
        SagaEngine engine = new SagaEngine(2);
        List<StepSpec> specs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            specs.add(new StepSpec(StepId.of("n" + i), "agent.Noop", "h", Json.object(), List.of(), Duration.ofSeconds(30),
                    StepSpec.RetryPolicy.NONE, null));
        }
        Saga saga = Saga.create(SagaId.random(), "l", Saga.Mode.APPLY, FailurePolicy.PAUSE, Plan.of(specs));
        List<Effect.Dispatch> first = engine.start(saga, T0).stream().filter(e -> e instanceof Effect.Dispatch)
                .map(e -> (Effect.Dispatch) e).toList();
        assertThat(first).hasSize(2);

        List<Effect> next = engine.onEvent(saga, new Incoming(first.get(0).step(), first.get(0).messageId(), first.get(0).target(),
                new StepEvent.Succeeded(false, "", Json.object(), List.of(), false, 1)), T0);
        assertThat(next).filteredOn(e -> e instanceof Effect.Dispatch).hasSize(1);
    }

    @Test
    void secretOutputsAreRedactedInTheAudit() {
        SagaEngine engine = new SagaEngine();
        StepSpec s = new StepSpec(StepId.of("init"), "agent.Noop", "h", Json.object(), List.of(), Duration.ofSeconds(5),
                StepSpec.RetryPolicy.NONE, null);
        Saga saga = Saga.create(SagaId.random(), "l", Saga.Mode.APPLY, FailurePolicy.PAUSE, Plan.of(List.of(s)));
        Effect.Dispatch d = (Effect.Dispatch) engine.start(saga, T0).get(1);
        List<Effect> done = engine.onEvent(saga, new Incoming(d.step(), d.messageId(), d.target(), new StepEvent.Succeeded(true, "",
                Json.object().put("joinToken", "SWMTKN-1-secret").put("nodeId", "abc"), List.of("joinToken"), false, 1)), T0);

        assertThat(done.toString()).doesNotContain("SWMTKN-1-secret").contains(SagaEngine.REDACTED).contains("abc");
        assertThat(saga.step(StepId.of("init")).outputs().get("joinToken").asString()).isEqualTo("SWMTKN-1-secret");
    }

    @Test
    void planModeDispatchesChecksAndUndoesNothing() throws IOException {
        SagaEngine engine = new SagaEngine();
        Saga saga = Saga.create(SagaId.random(), "l", Saga.Mode.PLAN, FailurePolicy.PAUSE, plan());
        List<Effect> first = engine.start(saga, T0);
        assertThat(first).filteredOn(e -> e instanceof Effect.Dispatch).allMatch(e -> ((Effect.Dispatch) e).dryRun());
        assertThatThrownBy(() -> engine.compensate(saga, T0)).hasMessageContaining("nothing to compensate");
    }
}
