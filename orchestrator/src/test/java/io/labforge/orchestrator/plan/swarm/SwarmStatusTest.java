package io.labforge.orchestrator.plan.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.messaging.Json;
import org.junit.jupiter.api.Test;

/** What {@code labforge status} and {@code labforge swarm status} print from cluster-service's description of a swarm. */
class SwarmStatusTest {
    @Test
    void nodesThenServicesWithRunningOverDesired() {
        String table = new SwarmStatus().table(Json.read("""
                {"nodes": [{"hostname": "manager1", "role": "manager", "state": "ready", "availability": "active", "leader": true},
                           {"hostname": "worker2", "role": "worker", "state": "down", "availability": "drain", "leader": false}],
                 "services": [{"name": "tp1_web", "image": "m:5000/tp1/web:1", "desired": 5, "running": 5},
                              {"name": "tp1_nginx", "image": "m:5000/tp1/nginx:1", "desired": 2, "running": 1}]}
                """));
        assertThat(table.lines().toList()).containsSubsequence(
                "NODE         ROLE     STATE    AVAILABILITY",
                "manager1     manager  ready    active       leader",
                "worker2      worker   down     drain",
                "SERVICE              RUNNING   IMAGE",
                "tp1_web              5/5       m:5000/tp1/web:1",
                "tp1_nginx            1/2       m:5000/tp1/nginx:1   (converging)");
    }
}
