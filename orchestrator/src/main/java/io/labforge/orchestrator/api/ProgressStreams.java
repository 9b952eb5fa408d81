package io.labforge.orchestrator.api;

import io.labforge.common.id.SagaId;
import io.labforge.common.messaging.Json;
import io.labforge.orchestrator.audit.AuditEntry;
import io.labforge.orchestrator.audit.AuditLog;
import io.labforge.orchestrator.runtime.ProgressBus;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.node.ObjectNode;

/**
 * The API's live streams of sagas' progress (server-sent events), on every orchestrator, owner or
 * standby. What a stream carries is the saga's audit rows as committed, read by one poller of the audit
 * log for all streams (each row's {@code seq} is its event id: a client that reconnects with
 * {@code Last-Event-ID} gets what it missed), plus the output lines of steps on the orchestrator that
 * owns the sagas (those are not stored). Nothing here runs on the saga loop or waits for a client.
 *
 * <p>Bounded: at most {@code maxStreams} open (the next is refused with 503), at most {@link #QUEUE}
 * updates waiting for a slow client (then its stream is closed), a heartbeat comment every
 * {@link #HEARTBEAT} (a client gone is noticed there and its stream removed), and {@link #LIFETIME} at
 * most (a client reconnects, with its last event id).
 */
public final class ProgressStreams implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressStreams.class);
    static final int QUEUE = 1000;
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    static final Duration LIFETIME = Duration.ofHours(1);
    static final Duration POLL = Duration.ofMillis(250);
    private static final int BATCH = 1000;

    private final AuditLog audit;
    private final ProgressBus bus;
    private final int maxStreams;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "progress-streams");
        t.setDaemon(true);
        return t;
    });
    /** The audit rows up to here have been handed out (each stream also skips what it had); -1 until a stream opens. */
    private long polled = -1;

    /** Refused: too many streams open. */
    public static final class TooMany extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooMany(String message) {
            super(message);
        }
    }

    public ProgressStreams(AuditLog audit, ProgressBus bus, int maxStreams) {
        this.audit = audit;
        this.bus = bus;
        this.maxStreams = maxStreams;
        timer.scheduleWithFixedDelay(this::poll, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::heartbeat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int open() {
        return streams.size();
    }

    /** Opens a stream of a saga; {@code lastEventId}: the seq of the last row the client has (null: only what comes). */
    public SseEmitter open(SagaId saga, Long lastEventId) {
        if (streams.size() >= maxStreams) {
            throw new TooMany(streams.size() + " live streams are open, the most this orchestrator serves (labforge.api.max-streams);"
                    + " close one, or poll GET /api/sagas/" + saga);
        }
        SseEmitter emitter = new SseEmitter(LIFETIME.toMillis());
        Stream s = new Stream(saga, emitter);
        emitter.onCompletion(s::close);
        emitter.onTimeout(s::close);
        emitter.onError(e -> s.close());
        s.send(SseEmitter.event().name("subscribed").data(Json.write(Json.object().put("sagaId", saga.toString())), MediaType.APPLICATION_JSON));
        // step output lines, on the owner (the bus calls on the saga loop: send() only queues)
        s.cancelBus = bus.watch(saga, update -> {
            if ("step.progress".equals(update.path("event").asString(""))) {
                s.send(SseEmitter.event().name("update").data(Json.write(update), MediaType.APPLICATION_JSON));
            }
        });
        synchronized (this) {
            // under the poller's lock: what the client missed (at most BATCH rows) before what comes next
            if (lastEventId == null) {
                s.sent = audit.lastSeq();
            } else {
                s.sent = lastEventId;
                s.rows(audit.after(lastEventId, List.of(saga.value()), BATCH));
            }
            if (polled < 0) {
                polled = s.sent;
            }
            streams.add(s);
        }
        return emitter;
    }

    /** Hands the audit rows committed since the last poll to the streams of their sagas. */
    private void poll() {
        if (streams.isEmpty()) {
            return;
        }
        try {
            synchronized (this) {
                // rows commit in the order of their seq (the audit head is locked until commit): none is skipped
                List<UUID> sagas = streams.stream().map(s -> s.saga.value()).distinct().toList();
                List<AuditEntry> rows = audit.after(polled, sagas, BATCH);
                if (rows.isEmpty()) {
                    return;
                }
                for (Stream s : streams) {
                    s.rows(rows.stream().filter(r -> s.saga.value().equals(r.sagaId())).toList());
                }
                polled = rows.get(rows.size() - 1).seq();
            }
        } catch (RuntimeException e) {
            LOG.warn("live streams: reading the audit log failed ({}); trying again", e.toString());
        }
    }

    private void heartbeat() {
        for (Stream s : streams) {
            s.send(SseEmitter.event().comment("keepalive"));
        }
    }

    /** Ends every stream (as the orchestrator stops: the web server would otherwise wait for them). */
    @Override
    public void close() {
        timer.shutdownNow();
        for (Stream s : streams) {
            s.emitter.complete();
            s.close();
        }
    }

    /** One client's stream: its updates leave in order from a thread of its own, through a bounded queue. */
    private final class Stream {
        final SagaId saga;
        final SseEmitter emitter;
        final ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "progress-stream");
            t.setDaemon(true);
            return t;
        });
        volatile Runnable cancelBus = () -> { };
        /** The seq of the last audit row queued (only the sender thread and open() touch it). */
        volatile long sent;

        Stream(SagaId saga, SseEmitter emitter) {
            this.saga = saga;
            this.emitter = emitter;
        }

        void rows(List<AuditEntry> rows) {
            for (AuditEntry r : rows) {
                if (r.seq() <= sent) {
                    continue;
                }
                sent = r.seq();
                ObjectNode update = Json.object().put("sagaId", saga.toString()).put("seq", r.seq()).put("at", r.at().toString())
                        .put("event", r.action()).put("step", r.stepId()).put("target", r.target());
                update.set("detail", r.detail());
                send(SseEmitter.event().id(Long.toString(r.seq())).name("update").data(Json.write(update), MediaType.APPLICATION_JSON));
            }
        }

        void send(SseEmitter.SseEventBuilder event) {
            try {
                sender.execute(() -> {
                    try {
                        emitter.send(event);
                    } catch (IOException | IllegalStateException e) {
                        close();
                    }
                });
            } catch (RejectedExecutionException e) {
                if (!sender.isShutdown()) {
                    LOG.info("closed a live stream of saga {}: its client is more than {} updates behind", saga, QUEUE);
                    emitter.complete();
                }
                close();
            }
        }

        void close() {
            if (streams.remove(this)) {
                cancelBus.run();
                sender.shutdown();
            }
        }
    }
}
