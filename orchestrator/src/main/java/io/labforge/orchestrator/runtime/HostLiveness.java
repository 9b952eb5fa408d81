package io.labforge.orchestrator.runtime;

import io.labforge.common.worker.WorkerLoop;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which agents the saga owner hears from. Agents send a heartbeat every few seconds (from a thread of
 * their own, also while a step runs); a host not heard of for {@link #offlineAfter} is offline, and the
 * coordinator fails its steps in flight at once ("host offline since …") instead of waiting out their
 * timeouts.
 *
 * <p>Silence counts only while the owner is listening: a host is judged against the later of its last
 * word and the moment the presence consumer started polling without a break (or, after a Kafka outage,
 * the moment its workers can have reconnected). So a new owner, a Kafka outage or a stalled consumer
 * makes no host offline: each gets {@link #offlineAfter} from the moment its heartbeats can be heard again. A host never heard of is never judged here (a lab naming such a
 * host is refused when it is submitted; see {@link LabSubmissions}).
 */
public final class HostLiveness {
    /** A gap between two polls longer than this is a break in listening. */
    static final Duration POLL_GAP = Duration.ofSeconds(5);

    private final Duration offlineAfter;
    private final Clock clock;
    private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();
    private volatile Instant listeningSince;
    private volatile Instant lastPoll;

    public HostLiveness(Duration offlineAfter, Clock clock) {
        if (offlineAfter.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("labforge.host-offline-after is " + offlineAfter
                    + ": give at least a few heartbeats' worth (the agents beat every 10s by default; 30s is the default)");
        }
        this.offlineAfter = offlineAfter;
        this.clock = clock;
    }

    public Duration offlineAfter() {
        return offlineAfter;
    }

    /**
     * A presence message from {@code host} (an announcement or a heartbeat), read now: the time of reading,
     * not the one the agent wrote, so that a host's clock running late does not make it offline.
     */
    public void heard(String host) {
        lastSeen.put(host, clock.instant());
    }

    /** What the database knew of the hosts when this orchestrator became the owner. */
    public void remember(Map<String, Instant> seen) {
        seen.forEach((host, at) -> lastSeen.merge(host, at, (a, b) -> a.isAfter(b) ? a : b));
    }

    /** The event consumer has just polled. */
    public void polled() {
        Instant now = clock.instant();
        Instant last = lastPoll;
        if (last == null || listeningSince == null || Duration.between(last, now).compareTo(POLL_GAP) > 0) {
            listeningSince = now;
        }
        lastPoll = now;
    }

    /**
     * Kafka is back after an outage: nothing could be heard meanwhile, and the workers come back after
     * their reconnect pause (up to {@link WorkerLoop#LAST_RETRY}). No host is judged before
     * {@link #offlineAfter} has passed on top of that pause.
     */
    public void busReturned() {
        listeningSince = clock.instant().plus(WorkerLoop.LAST_RETRY);
        lastPoll = clock.instant();
    }

    /** The event consumer stopped (this orchestrator no longer owns the sagas, or it stops): no host is judged meanwhile. */
    public void deaf() {
        listeningSince = null;
        lastPoll = null;
    }

    /**
     * The hosts heard of before that have been silent for {@link #offlineAfter} while the owner was
     * listening, each with when it was last heard of. Empty while not listening.
     */
    public Map<String, Instant> silent() {
        Instant now = clock.instant();
        Instant since = listeningSince;
        Instant last = lastPoll;
        Map<String, Instant> out = new HashMap<>();
        if (since == null || last == null || Duration.between(last, now).compareTo(POLL_GAP) > 0) {
            return out; // not listening, or the consumer is stalled: its heartbeats may be waiting unread
        }
        Instant cutoff = now.minus(offlineAfter);
        if (!since.isBefore(cutoff)) {
            return out;
        }
        lastSeen.forEach((host, at) -> {
            if (at.isBefore(cutoff)) {
                out.put(host, at);
            }
        });
        return out;
    }

    /** How a host stands, from when it was last heard of (read from the database: also right on a standby). */
    public State state(Instant lastSeenAt) {
        if (lastSeenAt == null) {
            return State.NEVER_SEEN;
        }
        return lastSeenAt.isBefore(clock.instant().minus(offlineAfter)) ? State.OFFLINE : State.ONLINE;
    }

    public enum State {
        ONLINE, OFFLINE, NEVER_SEEN;

        /** As the API and the CLI show it. */
        public String label() {
            return this == NEVER_SEEN ? "never seen" : name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
