package io.labforge.orchestrator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When a host counts as offline: silent for the set time while the owner was listening, never otherwise. */
class HostLivenessTest {
    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    static final class MovableClock extends Clock {
        Instant now = T0;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        /** Moves on, the event consumer polling every half second on the way (as it does while it runs). */
        void listenFor(HostLiveness l, Duration d) {
            Instant end = now.plus(d);
            while (now.isBefore(end)) {
                now = now.plusMillis(500);
                l.polled();
            }
        }
    }

    final MovableClock clock = new MovableClock();
    final HostLiveness liveness = new HostLiveness(Duration.ofSeconds(30), clock);

    @Test
    void aHostSilentForTheSetTimeWhileListeningIsOfflineSinceItsLastWord() {
        liveness.polled();
        liveness.heard("node1");
        liveness.heard("node2");
        clock.listenFor(liveness, Duration.ofSeconds(20));
        liveness.heard("node2");
        clock.listenFor(liveness, Duration.ofSeconds(11));

        assertThat(liveness.silent()).isEqualTo(Map.of("node1", T0));
        assertThat(liveness.state(T0)).isEqualTo(HostLiveness.State.OFFLINE);
        assertThat(liveness.state(T0.plusSeconds(20))).isEqualTo(HostLiveness.State.ONLINE);
        assertThat(liveness.state(null)).isEqualTo(HostLiveness.State.NEVER_SEEN);
        assertThat(HostLiveness.State.NEVER_SEEN.label()).isEqualTo("never seen");

        liveness.heard("node1"); // back
        assertThat(liveness.silent()).isEmpty();
    }

    @Test
    void aNewOwnerJudgesHostsFromWhenItStartedListeningNotFromTheirOldLastWord() {
        liveness.remember(Map.of("node1", T0.minus(Duration.ofHours(1))));
        liveness.polled();
        clock.listenFor(liveness, Duration.ofSeconds(29));
        assertThat(liveness.silent()).as("its heartbeats may be waiting unread in Kafka: it gets the full time").isEmpty();
        clock.listenFor(liveness, Duration.ofSeconds(2));
        assertThat(liveness.silent()).containsOnlyKeys("node1");
    }

    @Test
    void noHostIsOfflineWhileTheConsumerIsDeafOrStalledAndTheTimeStartsAgainAfter() {
        liveness.polled();
        liveness.heard("node1");
        clock.listenFor(liveness, Duration.ofSeconds(10));
        liveness.deaf(); // Kafka away: nothing can be heard
        clock.now = clock.now.plusSeconds(60);
        assertThat(liveness.silent()).isEmpty();

        clock.listenFor(liveness, Duration.ofSeconds(25));
        assertThat(liveness.silent()).as("25 s of listening since the outage").isEmpty();
        clock.now = clock.now.plusSeconds(10); // a poll 10 s late: the consumer stalled
        assertThat(liveness.silent()).isEmpty();
        liveness.polled();
        clock.listenFor(liveness, Duration.ofSeconds(29));
        assertThat(liveness.silent()).isEmpty();
        clock.listenFor(liveness, Duration.ofSeconds(2));
        assertThat(liveness.silent()).containsOnlyKeys("node1");
    }

    @Test
    void afterAKafkaOutageHostsGetTheWorkersReconnectPauseOnTopOfTheSetTime() {
        liveness.polled();
        liveness.heard("node1");
        clock.listenFor(liveness, Duration.ofSeconds(150)); // an empty poll is all a consumer sees of a broker that is away
        liveness.busReturned();
        clock.listenFor(liveness, Duration.ofSeconds(59));
        assertThat(liveness.silent()).as("30 s reconnect pause + 30 s").isEmpty();
        clock.listenFor(liveness, Duration.ofSeconds(2));
        assertThat(liveness.silent()).containsOnlyKeys("node1");
    }

    @Test
    void aHostNeverHeardOfIsNeverJudgedAndTooShortATimeIsRefused() {
        liveness.polled();
        clock.listenFor(liveness, Duration.ofMinutes(5));
        assertThat(liveness.silent()).isEmpty();
        assertThatThrownBy(() -> new HostLiveness(Duration.ofMillis(500), clock)).hasMessageContaining("labforge.host-offline-after");
    }
}
