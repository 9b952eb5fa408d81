package io.labforge.orchestrator.trust;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How often one kind of refusal is audited: once a minute per kind (what was refused, and who signed it)
 * and reason, so a flood of forged
 * messages cannot grow the audit log without bound (the orchestrator's log counts the rest).
 * Single-threaded: used by the event consumer's thread.
 */
public final class RefusalThrottle {
    private static final Duration EVERY = Duration.ofMinutes(1);
    private static final int MAX_KEYS = 10_000;
    private final Clock clock;
    private final Map<String, Instant> last = new LinkedHashMap<>();

    public RefusalThrottle(Clock clock) {
        this.clock = clock;
    }

    /** True when this refusal should be audited now; {@code kind}: e.g. the audit action and the signer. */
    public boolean audit(String kind, String reason) {
        Instant now = clock.instant();
        String key = kind + "\n" + reason;
        Instant before = last.get(key);
        if (before != null && now.isBefore(before.plus(EVERY))) {
            return false;
        }
        if (last.size() >= MAX_KEYS) {
            last.clear();
        }
        last.put(key, now);
        return true;
    }
}
