package io.labforge.orchestrator.security;

import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.audit.AuditLog;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Refused API calls go to the audit log ({@code api.refused}: who, from where, what, why), at most
 * {@link #PER_MINUTE} a minute from one address: someone knocking a thousand times must not be able to
 * grow the log without bound. What is not written is counted in the orchestrator's log.
 */
public final class Refusals {
    private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);
    static final int PER_MINUTE = 20;
    private static final int MAX_ADDRESSES = 10_000;

    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private record Window(Instant start, int count) {
    }

    public Refusals(AuditLog audit, TransactionTemplate tx, Clock clock) {
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    /** How the audit log names an authenticated caller; null for none (or an anonymous one). */
    static String actorOf(Authentication auth) {
        return auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken ? null : Caller.of(auth).actor();
    }

    /** Records a refusal; {@code actor} is the caller when it was authenticated, else null. */
    public void record(HttpServletRequest request, String actor, int status, String reason) {
        String from = request.getRemoteAddr();
        Instant now = clock.instant();
        if (windows.size() > MAX_ADDRESSES) {
            windows.clear();
        }
        Window w = windows.compute(from, (k, old) -> old == null || !now.isBefore(old.start().plus(Duration.ofMinutes(1)))
                ? new Window(now, 1) : new Window(old.start(), old.count() + 1));
        String who = actor != null ? actor : "anonymous@" + from;
        if (w.count() > PER_MINUTE) {
            if (w.count() == PER_MINUTE + 1) {
                LOG.warn("more than {} refused API calls a minute from {}: the rest of this minute's are not audited", PER_MINUTE, from);
            }
            return;
        }
        try {
            tx.executeWithoutResult(t -> audit.append(List.of(new AuditLog.Record(who, "api.refused", null, null, null, null,
                    Json.object().put("method", request.getMethod()).put("path", request.getRequestURI()).put("from", from)
                            .put("status", status).put("reason", reason))), now));
        } catch (RuntimeException e) {
            LOG.warn("could not audit a refused API call from {} ({}): {}", from, reason, e.toString());
        }
    }
}
