package io.labforge.orchestrator.runtime;

import io.labforge.common.messaging.Envelope;
import io.labforge.common.sealing.Sealing;
import io.labforge.common.step.StepEvent;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Secrets in transit: a command's secret inputs sealed to its one reader (the key its agent or service
 * announced), bound to the message; a worker's secret outputs, sealed to this orchestrator, opened.
 * The outbox and Kafka never hold a secret in clear.
 */
public final class SecretSealer {
    private static final Logger LOG = LoggerFactory.getLogger(SecretSealer.class);
    private final Function<String, Optional<String>> sealingKeyOf;
    private final Sealing.KeyPair own;

    /** {@code sealingKeyOf}: a target's announced sealing key; {@code own}: this orchestrator's sealing key. */
    public SecretSealer(Function<String, Optional<String>> sealingKeyOf, Sealing.KeyPair own) {
        this.sealingKeyOf = sealingKeyOf;
        this.own = own;
    }

    /**
     * The payload for {@code target} with its marked secrets sealed to that target's key, bound to this
     * message. A target whose key is not known yet gets the reason instead: its step fails in a way a
     * retry can mend.
     */
    public JsonNode sealFor(String target, UUID messageId, JsonNode payload) {
        if (!Sealing.hasSecrets(payload)) {
            return payload;
        }
        Optional<String> key = sealingKeyOf.apply(target);
        if (key.isEmpty()) {
            LOG.warn("no sealing key known for {}: its secret inputs are withheld", target);
            return Sealing.withhold(payload, "the orchestrator knows no sealing key for " + target
                    + " (its agent has not announced one): secret inputs withheld; a retry after the agent announces itself will have them");
        }
        return Sealing.sealMarked(payload, key.get(), messageId + "|" + target);
    }

    /** A step the orchestrator runs itself reads its secrets in clear: they never leave this process. */
    public JsonNode forLocalStep(JsonNode payload) {
        return Sealing.hasSecrets(payload) ? Sealing.unmark(payload) : payload;
    }

    /** An event whose secret outputs were sealed to this orchestrator, opened; one that does not open fails its step. */
    public StepEvent open(Envelope e, StepEvent event) {
        if (event instanceof StepEvent.Succeeded s && s.outputs() != null && Sealing.hasSealed(s.outputs())) {
            try {
                return new StepEvent.Succeeded(s.changed(), s.diff(), Sealing.openAll(s.outputs(), own, e.causationId() + "|orchestrator"),
                        s.secretOutputs(), s.replayed(), s.durationMillis());
            } catch (Sealing.SealingException ex) {
                return new StepEvent.Failed("the step's secret outputs do not open with this orchestrator's key: " + ex.getMessage()
                        + " (was the agent given another orchestrator's sealing key?)", false, s.durationMillis());
            }
        }
        return event;
    }
}
