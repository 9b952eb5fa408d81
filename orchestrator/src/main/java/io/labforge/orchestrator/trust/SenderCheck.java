package io.labforge.orchestrator.trust;

import io.labforge.common.agent.AgentPresence;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.signing.EnvelopeSigner;
import java.util.Optional;

/**
 * The check every message from a worker passes before the orchestrator believes it: signed, as a
 * registered worker, with that worker's registered key. Presence must also speak of its signer, and an
 * announcement carry the sealing key registered for it (keys change only through bootstrap or
 * enrolment). Whether the signer is the worker a step was sent to is the saga's check.
 */
public final class SenderCheck {
    private final WorkerIdentities identities;

    public SenderCheck(WorkerIdentities identities) {
        this.identities = identities;
    }

    /** Why {@code e} must not be believed; empty when its signature is its registered signer's. */
    public Optional<String> refusal(Envelope e) {
        if (e.signer() == null || e.signature() == null) {
            return Optional.of("unsigned");
        }
        if (EnvelopeSigner.ORCHESTRATOR.equals(e.signer())) {
            return Optional.of("signed as the orchestrator, which sends no events");
        }
        Optional<WorkerIdentities.Trusted> t = identities.trusted(e.signer());
        if (t.isEmpty()) {
            return Optional.of("signed as '" + e.signer() + "', which is no registered worker (hosts bootstrap registers a host, "
                    + "labforge workers enrol a service)");
        }
        if (!t.get().verifier().verify(e)) {
            return Optional.of("the signature is not " + e.signer() + "'s registered key's (" + t.get().fingerprint() + ")");
        }
        return Optional.empty();
    }

    /** As {@link #refusal}, for a presence message whose payload is {@code p}. */
    public Optional<String> presenceRefusal(Envelope e, AgentPresence p) {
        Optional<String> r = refusal(e);
        if (r.isPresent()) {
            return r;
        }
        String about = p instanceof AgentPresence.Announced a ? a.hostId() : ((AgentPresence.Heartbeat) p).hostId();
        if (!e.signer().equals(about)) {
            return Optional.of("signed by " + e.signer() + " but speaks for " + about);
        }
        if (p instanceof AgentPresence.Announced a) {
            String announced = a.facts() == null ? null : a.facts().sealingKey();
            String registered = identities.sealingKey(e.signer()).orElseThrow();
            if (announced != null && !announced.equals(registered)) {
                return Optional.of("announces a sealing key other than the one registered for " + e.signer()
                        + ": keys change only through hosts bootstrap or enrolment");
            }
        }
        return Optional.empty();
    }
}
