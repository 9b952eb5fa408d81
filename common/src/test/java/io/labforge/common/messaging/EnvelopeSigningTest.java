package io.labforge.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.features.Features;
import io.labforge.common.lab.host.SetHostname;
import io.labforge.common.signing.CommandVerifier;
import io.labforge.common.signing.EnvelopeSigner;
import io.labforge.common.signing.EnvelopeVerifier;
import io.labforge.common.signing.Keys;
import io.labforge.common.step.StepEvent;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class EnvelopeSigningTest {
    final KeyPair keys = Keys.generate();
    final EnvelopeSigner signer = EnvelopeSigner.orchestrator(keys.getPrivate());
    final CommandVerifier verifier = new CommandVerifier(keys.getPublic());

    Envelope command() {
        Instant now = Instant.parse("2026-11-25T10:00:00Z");
        return Envelope.of(new SetHostname("node1", "lab.test"), "lab", "saga", "hostname@node1", 1, "node1", null,
                now, now.plusSeconds(60), false);
    }

    @Test
    void typeOnTheWireIsTheLogicalNameNotTheClass() {
        Envelope e = command();
        String json = new String(e.toBytes());

        assertThat(e.type()).isEqualTo("agent.SetHostname");
        assertThat(json).doesNotContain("io.labforge");
        assertThat(Features.TYPES.decode(Envelope.fromBytes(e.toBytes()))).isEqualTo(new SetHostname("node1", "lab.test"));
    }

    @Test
    void signatureSurvivesTheWireAndCatchesTampering() {
        Envelope signed = signer.sign(command());
        Envelope received = Envelope.fromBytes(signed.toBytes());
        assertThat(verifier.verify(received)).isTrue();

        ObjectNode evil = ((ObjectNode) received.payload()).deepCopy();
        evil.put("hostname", "evil");
        assertThat(verifier.verify(received.withPayload(evil))).isFalse();
        assertThat(verifier.verify(received.withSignature(null))).isFalse();
        assertThat(verifier.verify(received.withSignature("bm90IGEgc2lnbmF0dXJl"))).isFalse();
        KeyPair other = Keys.generate();
        assertThat(new CommandVerifier(other.getPublic()).verify(received)).isFalse();
    }

    @Test
    void theSignerNameIsSignedAndACommandMustBeTheOrchestrators() {
        Envelope signed = signer.sign(command());
        assertThat(signed.signer()).isEqualTo("orchestrator");
        // renaming the signer breaks the signature
        assertThat(new EnvelopeVerifier(keys.getPublic()).verify(signed.withSigner("node2").withSignature(signed.signature()))).isFalse();
        // a host's event, signed with the host's own key: a good signature, but no command
        KeyPair hostKeys = Keys.generate();
        Envelope fromHost = new EnvelopeSigner("node1", hostKeys.getPrivate()).sign(command());
        assertThat(new EnvelopeVerifier(hostKeys.getPublic()).verify(Envelope.fromBytes(fromHost.toBytes()))).isTrue();
        assertThat(new CommandVerifier(hostKeys.getPublic()).verify(fromHost)).as("signed as node1, not the orchestrator").isFalse();
        // the orchestrator's name with another key
        Envelope posing = new EnvelopeSigner("orchestrator", hostKeys.getPrivate()).sign(command());
        assertThat(verifier.verify(posing)).isFalse();
    }

    @Test
    void canonicalJsonIgnoresFieldOrder() {
        assertThat(Json.canonical(Json.read("{\"b\":1,\"a\":{\"d\":[1,2],\"c\":\"x\"}}")))
                .isEqualTo(Json.canonical(Json.read("{\"a\":{\"c\":\"x\",\"d\":[1,2]},\"b\":1}")))
                .isEqualTo("{\"a\":{\"c\":\"x\",\"d\":[1,2]},\"b\":1}");
    }

    @Test
    void canonicalStringsAreValidJsonWithEscapes() {
        String tricky = "a\"b\\c\nd\te\u0001é";
        String canonical = Json.canonical(Json.object().put("k\"", tricky).put("n", 1.5).put("b", true));
        assertThat(Json.read(canonical).get("k\"").asString()).isEqualTo(tricky);
        assertThat(canonical).isEqualTo(Json.canonical(Json.read(canonical)));
    }

    @Test
    void everyPayloadHasAUniqueLogicalName() {
        assertThat(Features.TYPES.forName("step.Succeeded").javaType()).isEqualTo(StepEvent.Succeeded.class);
        assertThat(Features.TYPES.find("agent.Bogus")).isEmpty();
    }

    @Test
    void keysRoundTripAsText() {
        assertThat(Keys.decodePublic(Keys.encodePublic(keys.getPublic()))).isEqualTo(keys.getPublic());
        assertThat(Keys.decodePrivate(Keys.encodePrivate(keys.getPrivate()))).isEqualTo(keys.getPrivate());
    }

    @Test
    void agentPartitionMatchesKafkasDefaultPartitioner() {
        // the same murmur2 the producer uses for a keyed record
        assertThat(Topics.partitionFor("node1", 12)).isBetween(0, 11);
        assertThat(List.of("a", "b", "c", "d", "e", "f").stream().map(k -> Topics.partitionFor(k, 4)).distinct().count())
                .isGreaterThan(1);
    }
}
