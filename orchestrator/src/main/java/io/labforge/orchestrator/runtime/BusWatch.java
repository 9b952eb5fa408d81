package io.labforge.orchestrator.runtime;

import io.labforge.common.messaging.Bus;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Kafka answers, asked every second (its cluster description, within two seconds). While it does
 * not, no command can leave and no answer arrive, so the sagas' timers stop counting: a step's timeout
 * is about its host, not about the broker. When Kafka answers again, {@code onBack} is told how long it
 * was away (the coordinator gives that time back to the steps that were waiting).
 */
public final class BusWatch implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BusWatch.class);
    static final Duration EVERY = Duration.ofSeconds(1);
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(2);

    private final Bus bus;
    private final Consumer<Duration> onBack;
    private volatile boolean up = true;
    private volatile boolean running = true;
    private Thread thread;

    public BusWatch(Bus bus, Consumer<Duration> onBack) {
        this.bus = bus;
        this.onBack = onBack;
    }

    /** False from the first unanswered check until Kafka answers again. */
    public boolean up() {
        return up;
    }

    public synchronized void start() {
        thread = new Thread(this, "bus-watch");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        long downSince = 0;
        try (Admin admin = Admin.create(bus.admin())) {
            while (running) {
                boolean answered;
                try {
                    admin.describeCluster().nodes().get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
                    answered = true;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    answered = false;
                }
                if (!answered && up) {
                    downSince = System.nanoTime() - ANSWER_WITHIN.toNanos();
                    up = false;
                    LOG.warn("Kafka ({}) does not answer: the sagas' step timeouts stop counting until it does", bus.servers());
                } else if (answered && !up) {
                    Duration away = Duration.ofNanos(System.nanoTime() - downSince);
                    up = true;
                    LOG.info("Kafka answers again after {} s; the steps that were waiting get that time back", away.toSeconds());
                    try {
                        onBack.accept(away);
                    } catch (RuntimeException e) {
                        LOG.warn("giving the steps their time back failed: {}", e.toString());
                    }
                }
                Thread.sleep(EVERY.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
