package io.labforge.orchestrator.runtime;

import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.MessageTypes;
import io.labforge.common.messaging.Topics;
import io.labforge.common.signing.EnvelopeSigner;
import io.labforge.orchestrator.saga.Effect;
import io.labforge.orchestrator.saga.Saga;
import java.time.Instant;

/**
 * The envelope of a command the engine dispatches: its logical type and version, the saga's ids, the
 * deadline; secrets sealed to the target; signed when it goes on Kafka. A command for the orchestrator
 * itself stays in this process (no topic) with its secrets in clear.
 */
public final class CommandEnvelopes {
    private final EnvelopeSigner signer;
    private final SecretSealer sealer;
    private final MessageTypes types;

    public CommandEnvelopes(EnvelopeSigner signer, SecretSealer sealer, MessageTypes types) {
        this.signer = signer;
        this.sealer = sealer;
        this.types = types;
    }

    /** A command and the topic it goes to; {@code topic} null for a step the orchestrator runs itself. */
    public record Outgoing(String topic, Envelope envelope) {
        public boolean local() {
            return topic == null;
        }
    }

    public Outgoing build(Saga saga, Effect.Dispatch d, Instant now) {
        String topic = Topics.commandTopicFor(d.commandType());
        Envelope env = new Envelope(d.messageId(), d.commandType(), types.forName(d.commandType()).version(), saga.labId(),
                saga.id().toString(), d.step().value(), d.attempt(), d.target(), null, now, d.deadline(), d.dryRun(),
                topic == null ? sealer.forLocalStep(d.payload()) : sealer.sealFor(d.target(), d.messageId(), d.payload()), null, null);
        return new Outgoing(topic, topic == null ? env : signer.sign(env));
    }
}
