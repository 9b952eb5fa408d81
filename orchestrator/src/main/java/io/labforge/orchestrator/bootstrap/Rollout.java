package io.labforge.orchestrator.bootstrap;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;

/**
 * How {@code hosts bootstrap} replaces running agents: at most {@code maxAtOnce} hosts are being upgraded at
 * a time, and a host counts as upgraded only once its agent has announced itself with the new version. The
 * first host whose upgrade fails stops the rollout: the hosts not yet begun keep the agent they run (a
 * broken build reaches one host, or a few, not the class). First installs are not held back.
 */
public final class Rollout {
    /** Waits until the agent of {@code host} has announced itself with {@code version} since {@code since}; false when it did not in time. */
    @FunctionalInterface
    public interface Announcements {
        boolean await(String host, String version, Instant since, Duration within) throws InterruptedException;
    }

    /** Waits for no announcement: upgrades are only limited in number (as {@code --no-wait} asks). */
    public static final Announcements UNWATCHED = (host, version, since, within) -> true;

    /** How long an upgraded agent has to announce itself before its upgrade counts as failed. */
    static final Duration ANNOUNCE_WITHIN = Duration.ofSeconds(120);

    private final Semaphore slots;
    private final Announcements announcements;
    private volatile String stoppedBy;

    public Rollout(int maxAtOnce, Announcements announcements) {
        this.slots = new Semaphore(checked(maxAtOnce), true);
        this.announcements = announcements;
    }

    /** {@code maxAtOnce}, refused when it would let no host be upgraded. */
    static int checked(int maxAtOnce) {
        if (maxAtOnce < 1) {
            throw new IllegalArgumentException("at least one host must be upgradable at a time (got " + maxAtOnce + ")");
        }
        return maxAtOnce;
    }

    /** An upgrade in progress on one host, holding one of the rollout's slots until closed. */
    interface Upgrade extends AutoCloseable {
        /** Waits for the new agent's announcement; a failure stops the rollout. Null when it came, else why not. */
        String announced(String version, Instant since) throws InterruptedException;

        /** The upgrade failed (before its agent was restarted): the rollout stops. */
        void failed();

        @Override
        void close();
    }

    /**
     * Waits for a slot to upgrade {@code host}; null when the rollout was stopped by a failed upgrade
     * meanwhile (see {@link #stoppedBy}).
     */
    Upgrade begin(String host) throws InterruptedException {
        slots.acquire();
        if (stoppedBy != null) {
            slots.release();
            return null;
        }
        return new Upgrade() {
            private boolean closed;

            @Override
            public String announced(String version, Instant since) throws InterruptedException {
                if (announcements.await(host, version, since, ANNOUNCE_WITHIN)) {
                    return null;
                }
                failed();
                return "its agent did not announce itself as " + version + " within " + ANNOUNCE_WITHIN.toSeconds()
                        + "s (journalctl -u labforge-agent on the host)";
            }

            @Override
            public void failed() {
                if (stoppedBy == null) {
                    stoppedBy = host;
                }
            }

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    slots.release();
                }
            }
        };
    }

    /** The host whose failed upgrade stopped the rollout (null: not stopped). */
    String stoppedBy() {
        return stoppedBy;
    }
}
