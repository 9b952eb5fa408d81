package io.labforge.orchestrator.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RolloutTest {

    @Test
    void noMoreHostsAreBetweenAgentsAtOnceThanAllowed() throws Exception {
        AtomicInteger between = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Rollout rollout = new Rollout(2, (host, version, since, within) -> {
            most.accumulateAndGet(between.get(), Math::max);
            Thread.sleep(20);
            return true;
        });
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<String>> done = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String host = "node" + i;
            done.add(pool.submit(() -> {
                try (Rollout.Upgrade u = rollout.begin(host)) {
                    between.incrementAndGet();
                    String why = u.announced("2", Instant.now());
                    between.decrementAndGet();
                    return why;
                }
            }));
        }
        for (Future<String> f : done) {
            assertThat(f.get()).isNull();
        }
        pool.shutdown();
        assertThat(most.get()).isEqualTo(2);
    }

    @Test
    void theFirstHostWhoseAgentDoesNotAnnounceItselfStopsTheRest() throws Exception {
        Rollout rollout = new Rollout(1, (host, version, since, within) -> !host.equals("node1"));
        try (Rollout.Upgrade u = rollout.begin("node0")) {
            assertThat(u.announced("2", Instant.now())).isNull();
        }
        try (Rollout.Upgrade u = rollout.begin("node1")) {
            assertThat(u.announced("2", Instant.now())).contains("did not announce itself as 2 within 120s");
        }
        assertThat(rollout.begin("node2")).isNull();
        assertThat(rollout.stoppedBy()).isEqualTo("node1");
    }

    @Test
    void anUpgradeThatFailsBeforeItsAgentStartsStopsTheRolloutAndFreesItsSlot() throws Exception {
        Rollout rollout = new Rollout(1, Rollout.UNWATCHED);
        Rollout.Upgrade u = rollout.begin("node0");
        u.failed();
        u.close();
        u.close(); // closing twice frees one slot, not two
        assertThat(rollout.begin("node1")).isNull();
        assertThat(rollout.stoppedBy()).isEqualTo("node0");
    }

    @Test
    void waitingHostsSeeTheStopOnceTheFailedUpgradeEnds() throws Exception {
        Rollout rollout = new Rollout(1, Rollout.UNWATCHED);
        Rollout.Upgrade first = rollout.begin("node0");
        ConcurrentHashMap<String, Boolean> began = new ConcurrentHashMap<>();
        Thread waiting = new Thread(() -> {
            try {
                began.put("node1", rollout.begin("node1") != null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiting.start();
        // it blocks on the slot the first upgrade holds
        long deadline = System.currentTimeMillis() + 5_000;
        while (waiting.getState() != Thread.State.WAITING && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(waiting.getState()).isEqualTo(Thread.State.WAITING);
        assertThat(began).isEmpty();
        first.failed();
        first.close();
        waiting.join(5_000);
        assertThat(began).containsEntry("node1", false);
    }

    @Test
    void atLeastOneHostAtATime() {
        assertThatThrownBy(() -> new Rollout(0, Rollout.UNWATCHED)).hasMessageContaining("at least one host");
    }
}
