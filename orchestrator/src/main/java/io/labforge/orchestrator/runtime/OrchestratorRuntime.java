package io.labforge.orchestrator.runtime;

import io.labforge.common.messaging.Bus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Owner or standby. Every orchestrator serves the API; the one that holds the sagas' lease
 * ({@link Ownership}) also runs the saga owner's loops: recovery of running sagas, the outbox relay,
 * the event and presence consumers and the timer. A standby tries to take the lease every second and takes over once
 * it lapses or is released. An owner renews it every third of its length; if another orchestrator took
 * it (this one froze, or lost the database for longer than the lease), its next transaction is refused,
 * it stops its loops and stands by again.
 */
public final class OrchestratorRuntime implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(OrchestratorRuntime.class);
    private static final Duration STANDBY_POLL = Duration.ofSeconds(1);

    private final Ownership ownership;
    private final SagaCoordinator coordinator;
    private final SagaRequests requests;
    private final OutboxRelay relay;
    /** The audit log published for auditors, by the owner only. */
    private final AuditTopic auditTopic;
    private final EventConsumer events;
    private final PresenceConsumer presence;
    private final Duration tick;
    private final Bus bus;
    private final short replication;
    private final BusWatch busWatch;
    /** Released to end the current term early: stopping, or the sagas lost. */
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private volatile boolean leader;
    private Thread owner;

    public OrchestratorRuntime(Ownership ownership, SagaCoordinator coordinator, SagaRequests requests, OutboxRelay relay,
            EventConsumer events, PresenceConsumer presence, AuditTopic auditTopic, Duration tick, Bus bus, short replication) {
        this.presence = presence;
        this.auditTopic = auditTopic;
        this.requests = requests;
        this.ownership = ownership;
        this.coordinator = coordinator;
        this.relay = relay;
        this.events = events;
        this.tick = tick;
        this.bus = bus;
        this.replication = replication;
        coordinator.whenOwnershipLost(wake::release);
        this.busWatch = new BusWatch(bus, away -> {
            if (leader) {
                coordinator.busWasAway(away);
            }
        });
    }

    /** True while this orchestrator owns the sagas and its loops run. */
    public boolean isLeader() {
        return leader;
    }

    @Override
    public synchronized void start() {
        running = true;
        busWatch.start();
        owner = new Thread(this::standByAndOwn, "saga-owner");
        owner.setDaemon(true);
        owner.start();
    }

    /** Stands by until the lease is free, owns the sagas while it holds it, and again, until stopped. */
    private void standByAndOwn() {
        boolean topics = false;
        boolean told = false;
        while (running) {
            try {
                if (!topics) {
                    KafkaSetup.ensureTopics(bus, replication);
                    topics = true;
                }
                if (ownership.tryAcquire()) {
                    told = false;
                    own();
                    continue;
                }
                if (!told) {
                    Ownership.Holder h = ownership.holder();
                    LOG.info("standing by: {} owns the sagas (epoch {}); this orchestrator ({}) takes over if its lease lapses",
                            h.instance(), h.epoch(), ownership.instance());
                    told = true;
                }
            } catch (RuntimeException e) {
                LOG.warn("standing by: {} — trying again", e.toString());
                told = false;
            }
            pause(STANDBY_POLL);
        }
    }

    /** One term as the owner: from taking the lease to losing it or stopping. */
    private void own() {
        wake.drainPermits();
        List<Thread> threads = new ArrayList<>();
        ScheduledExecutorService timer = null;
        String ended = "stopping";
        try {
            coordinator.recover();
            relay.reopen();
            events.reopen();
            presence.reopen();
            auditTopic.reopen();
            threads.add(start(relay, "outbox-relay"));
            threads.add(start(auditTopic, "audit-topic"));
            threads.add(start(events, "event-consumer"));
            threads.add(start(presence, "presence-consumer"));
            timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "saga-timer"));
            timer.scheduleWithFixedDelay(() -> {
                if (!busWatch.up()) {
                    return; // nothing can travel: no step times out meanwhile
                }
                try {
                    coordinator.tick();
                } catch (RuntimeException e) {
                    LOG.warn("timer tick failed: {}", e.toString());
                }
            }, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
            // the changes standbys were asked for
            timer.scheduleWithFixedDelay(() -> {
                try {
                    requests.serve();
                } catch (RuntimeException e) {
                    LOG.warn("serving the standbys' requests failed: {}", e.toString());
                }
            }, 0, SagaRequests.POLL.toMillis(), TimeUnit.MILLISECONDS);
            timer.scheduleWithFixedDelay(() -> {
                try {
                    coordinator.pruneInbox();
                } catch (RuntimeException e) {
                    LOG.warn("inbox pruning failed: {}", e.toString());
                }
            }, 1, 60, TimeUnit.MINUTES);
            leader = true;
            LOG.info("this orchestrator ({}) owns the sagas (epoch {}); Kafka at {} (mutual TLS)", ownership.instance(), ownership.epoch(),
                    bus.servers());
            ended = keepLease();
        } catch (RuntimeException e) {
            ended = "its start as owner failed: " + e;
        } finally {
            leader = false;
            boolean stopping = !running;
            // no write from here on: a transaction in flight is fenced, and the lease goes back when stopping
            if (timer != null) {
                timer.shutdownNow();
            }
            relay.stop();
            auditTopic.stop();
            events.stop();
            presence.stop();
            for (Thread t : threads) {
                join(t);
            }
            try {
                coordinator.standDown();
                ownership.standDown(stopping);
            } catch (RuntimeException e) {
                LOG.warn("handing back the lease: {}", e.toString());
            }
            if (!stopping) {
                LOG.warn("this orchestrator ({}) no longer owns the sagas: {}; standing by", ownership.instance(), ended);
            }
        }
    }

    /** Renews the lease until stopping or lost; returns why the term ended. */
    private String keepLease() {
        Duration every = ownership.lease().dividedBy(3);
        long renewed = System.nanoTime();
        while (running) {
            if (pause(every) || !ownership.owns()) {
                return running ? "a transaction found another owner" : "stopping";
            }
            try {
                if (!ownership.renew()) {
                    return "another orchestrator took the lease";
                }
                renewed = System.nanoTime();
            } catch (RuntimeException e) {
                // the database is away: the lease holds until it lapses; after that a standby may own the sagas
                if (System.nanoTime() - renewed > ownership.lease().minus(every).toNanos()) {
                    return "the lease could not be renewed (" + e.getMessage() + ") and is about to lapse";
                }
                LOG.warn("renewing the lease failed ({}); trying again", e.toString());
            }
        }
        return "stopping";
    }

    /** Waits, or less when woken; true if woken. */
    private boolean pause(Duration d) {
        try {
            return wake.tryAcquire(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return true;
        }
    }

    private static Thread start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.start();
        return t;
    }

    private static void join(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        Thread t;
        synchronized (this) {
            running = false;
            t = owner;
        }
        wake.release();
        if (t != null) {
            join(t);
        }
        busWatch.close();
        coordinator.close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
