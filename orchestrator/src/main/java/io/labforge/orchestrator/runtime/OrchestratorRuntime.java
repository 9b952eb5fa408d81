package io.labforge.orchestrator.runtime;

import io.labforge.common.messaging.Bus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the saga owner's loops once this orchestrator holds the leader lock: recovery of running
 * sagas, the outbox relay, the event consumer and the timer.
 */
public final class OrchestratorRuntime implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(OrchestratorRuntime.class);

    private final DataSource dataSource;
    private final SagaCoordinator coordinator;
    private final OutboxRelay relay;
    private final EventConsumer events;
    private final Duration tick;
    private final Bus bus;
    private final short replication;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private volatile boolean leader;
    private volatile LeaderLock lock;
    private ScheduledExecutorService timer;

    public OrchestratorRuntime(DataSource dataSource, SagaCoordinator coordinator, OutboxRelay relay, EventConsumer events,
            Duration tick, Bus bus, short replication) {
        this.dataSource = dataSource;
        this.coordinator = coordinator;
        this.relay = relay;
        this.events = events;
        this.tick = tick;
        this.bus = bus;
        this.replication = replication;
    }

    /** True once this orchestrator owns the sagas and its loops run. */
    public boolean isLeader() {
        return leader;
    }

    @Override
    public void start() {
        running = true;
        Thread starter = new Thread(() -> {
            try {
                KafkaSetup.ensureTopics(bus, replication);
                lock = LeaderLock.acquire(dataSource, () -> running);
                if (lock == null) {
                    return;
                }
                coordinator.recover();
                threads.add(start(relay, "outbox-relay"));
                threads.add(start(events, "event-consumer"));
                timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "saga-timer"));
                timer.scheduleWithFixedDelay(() -> {
                    try {
                        coordinator.tick();
                    } catch (RuntimeException e) {
                        LOG.warn("timer tick failed: {}", e.toString());
                    }
                }, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
                timer.scheduleWithFixedDelay(() -> {
                    try {
                        coordinator.pruneInbox();
                    } catch (RuntimeException e) {
                        LOG.warn("inbox pruning failed: {}", e.toString());
                    }
                }, 1, 60, TimeUnit.MINUTES);
                leader = true;
                LOG.info("orchestrator is the saga owner; Kafka at {} (mutual TLS)", bus.servers());
            } catch (Exception e) {
                LOG.error("orchestrator could not start its loops", e);
            }
        }, "orchestrator-start");
        starter.setDaemon(true);
        starter.start();
        threads.add(starter);
    }

    private static Thread start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.start();
        return t;
    }

    @Override
    public void stop() {
        running = false;
        leader = false;
        if (timer != null) {
            timer.shutdownNow();
        }
        relay.stop();
        events.stop();
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        coordinator.close();
        if (lock != null) {
            try {
                lock.close();
            } catch (Exception e) {
                LOG.warn("releasing the leader lock: {}", e.toString());
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
