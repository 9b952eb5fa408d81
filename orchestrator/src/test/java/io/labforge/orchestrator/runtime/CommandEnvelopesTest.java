package io.labforge.orchestrator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.features.Features;
import io.labforge.common.id.SagaId;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.Json;
import io.labforge.common.messaging.Topics;
import io.labforge.common.sealing.Sealing;
import io.labforge.common.signing.CommandVerifier;
import io.labforge.common.signing.EnvelopeSigner;
import io.labforge.common.step.StepEvent;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.saga.Effect;
import io.labforge.orchestrator.saga.Saga;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Commands as they leave: logical type, signed for Kafka, secrets sealed to their one reader; answers' secrets opened. */
class CommandEnvelopesTest {
    static final String TOKEN = "SWMTKN-1-secret";
    final Sealing.KeyPair node2 = Sealing.generate();
    final Sealing.KeyPair orchestrator = Sealing.generate();
    final KeyPair signing = ed25519();
    final SecretSealer sealer = new SecretSealer(host -> Optional.ofNullable(Map.of("node2", node2.publicKey()).get(host)), orchestrator);
    final CommandEnvelopes envelopes = new CommandEnvelopes(EnvelopeSigner.orchestrator(signing.getPrivate()), sealer, Features.TYPES);
    final Saga saga = Saga.create(SagaId.random(), "lab", Saga.Mode.APPLY, Lab.FailurePolicy.PAUSE, Plan.of(List.of()));

    static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Effect.Dispatch join(String target) {
        ObjectNode payload = Json.object().put("role", "worker").put("managerAddress", "10.0.0.1:2377").put("advertiseAddress", "10.0.0.2");
        payload.set("token", Json.object().put(Sealing.SECRET, TOKEN));
        return new Effect.Dispatch(StepId.of("swarm-join@" + target), "agent.SwarmJoin", target, payload, 1, UUID.randomUUID(),
                Instant.parse("2026-12-01T10:02:00Z"), false, false);
    }

    @Test
    void aCommandForAnAgentIsSignedAndItsSecretSealedToThatAgentAndThisMessage() {
        Effect.Dispatch d = join("node2");
        CommandEnvelopes.Outgoing out = envelopes.build(saga, d, Instant.parse("2026-12-01T10:00:00Z"));

        assertThat(out.topic()).isEqualTo(Topics.AGENT_COMMANDS);
        Envelope e = out.envelope();
        assertThat(e.type()).isEqualTo("agent.SwarmJoin");
        assertThat(e.sagaId()).isEqualTo(saga.id().toString());
        assertThat(new CommandVerifier(signing.getPublic()).verify(e)).isTrue();
        assertThat(e.toBytes()).asString().doesNotContain(TOKEN);
        JsonNode opened = Sealing.openAll(e.payload(), node2, d.messageId() + "|node2");
        assertThat(opened.get("token").asString()).isEqualTo(TOKEN);
    }

    @Test
    void aTargetWithNoKnownKeyGetsTheReasonNotTheSecret() {
        Envelope e = envelopes.build(saga, join("node3"), Instant.now()).envelope();
        assertThat(e.toBytes()).asString().doesNotContain(TOKEN);
        assertThat(Sealing.withheldReason(e.payload()).orElseThrow()).contains("knows no sealing key for node3");
    }

    @Test
    void theOrchestratorsOwnStepStaysInThisProcessUnsignedWithItsSecretInClear() {
        ObjectNode payload = Json.object();
        payload.set("name", Json.object().put(Sealing.SECRET, "GITLAB_TOKEN"));
        CommandEnvelopes.Outgoing out = envelopes.build(saga, new Effect.Dispatch(StepId.of("secret-x@orchestrator"),
                "orchestrator.ReadSecret", "orchestrator", payload, 1, UUID.randomUUID(), null, false, false), Instant.now());
        assertThat(out.local()).isTrue();
        assertThat(out.envelope().signature()).isNull();
        assertThat(out.envelope().payload().get("name").asString()).isEqualTo("GITLAB_TOKEN");
    }

    @Test
    void secretOutputsSealedToThisOrchestratorOpenAndOnesSealedElsewhereFailTheStep() {
        UUID command = UUID.randomUUID();
        JsonNode marked = Json.read("{\"workerToken\":{\"$secret\":\"" + TOKEN + "\"},\"nodeId\":\"n1\"}");
        Envelope answer = Envelope.of(new StepEvent.Succeeded(true, "init", Json.object(), List.of("workerToken"), false, 1), "lab",
                saga.id().toString(), "swarm-init@node1", 1, "node1", command, Instant.now(), null, false);

        StepEvent opened = sealer.open(answer, new StepEvent.Succeeded(true, "init",
                Sealing.sealMarked(marked, orchestrator.publicKey(), command + "|orchestrator"), List.of("workerToken"), false, 1));
        assertThat(((StepEvent.Succeeded) opened).outputs().get("workerToken").asString()).isEqualTo(TOKEN);

        StepEvent elsewhere = sealer.open(answer, new StepEvent.Succeeded(true, "init",
                Sealing.sealMarked(marked, Sealing.generate().publicKey(), command + "|orchestrator"), List.of("workerToken"), false, 1));
        assertThat(elsewhere).isInstanceOf(StepEvent.Failed.class);
        assertThat(((StepEvent.Failed) elsewhere).reason()).contains("do not open with this orchestrator's key");
    }
}
