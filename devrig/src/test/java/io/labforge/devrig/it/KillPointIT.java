package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labforge.common.messaging.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The owning orchestrator killed (SIGKILL) at exact points of its work, reached through a debugger
 * rather than by timing: first while it runs a step of its own (signing a host's certificate for
 * Docker's Engine API), then, the next owner, while it hands commands from its outbox to Kafka. Three
 * {@code labforge server} processes share PostgreSQL, Kafka and their state; a lab of three hosts is
 * applied through the API. The third process finishes the saga by itself: every step succeeded, each
 * host's command ran once there, each success audited once, the log intact.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(420)
class KillPointIT {
    static final List<String> HOSTS = List.of("kp1", "kp2", "kp3");
    static final Duration LEASE = Duration.ofSeconds(3);
    /** The orchestrator's own steps run here, on its thread "local-steps". */
    static final String LOCAL_STEP = "io.labforge.orchestrator.local.LocalSteps";
    /** The outbox relay (thread "outbox-relay") hands each command to Kafka here. */
    static final String SEND = "org.apache.kafka.clients.producer.KafkaProducer";
    static final String LAB = """
            apiVersion: labforge/v1
            kind: Lab
            name: killpoint
            domain: lab.test
            onFailure: pause
            roles:
              node:
                firewall:
                  ports: [2376/tcp]
                docker:
                  tls-port: 2376      # a certificate per host, signed by the orchestrator
            hosts:
              - {name: kp1, address: 10.91.0.11, roles: [node]}
              - {name: kp2, address: 10.91.0.12, roles: [node]}
              - {name: kp3, address: 10.91.0.13, roles: [node]}
            """;
    Harness h;
    ServerProcesses servers;
    final Map<String, Debuggee> debuggees = new LinkedHashMap<>();

    @BeforeAll
    void start(@TempDir Path dir) {
        servers = ServerProcesses.withAgents(dir, HOSTS, LEASE, "kill-point-it");
        h = servers.harness();
    }

    @AfterAll
    void stop() {
        debuggees.values().forEach(Debuggee::close);
        servers.close();
    }

    @Test
    void theOwnerKilledWhileSigningThenTheNextWhileSendingCommandsAndTheSagaFinishesWithEveryStepOnce() throws Exception {
        BlockingQueue<Debuggee.Hit> hits = new LinkedBlockingQueue<>();
        Map<String, Integer> debugPorts = new LinkedHashMap<>();
        for (String o : List.of("orch-1", "orch-2", "orch-3")) {
            debugPorts.put(o, ServerProcesses.freePort());
            servers.launch(o, Debuggee.jvmOption(debugPorts.get(o)));
        }
        servers.awaitApis();
        debugPorts.forEach((o, port) -> debuggees.put(o, new Debuggee(o, port, hits)));
        debuggees.values().forEach(d -> d.stopAt(LOCAL_STEP, "run", "local-steps"));
        h.stopOrchestrator(); // hands its lease back: a process takes over at once
        HttpResponse<String> submitted = servers.call(servers.awaitOwner(), "POST", "/api/sagas", LAB);
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
        String saga = Json.read(submitted.body()).get("id").asString();
        int total = servers.db.queryForObject("SELECT count(*) FROM step WHERE saga_id = ?::uuid", Integer.class, saga);

        // 1. the owner stops in a step of its own; the others will let theirs run, and stop in their relay instead
        Debuggee.Hit signing = hits.poll(120, TimeUnit.SECONDS);
        assertThat(signing).as("the owner reached a step of its own").isNotNull();
        debuggees.values().forEach(d -> d.pass(LOCAL_STEP, "run"));
        debuggees.forEach((o, d) -> {
            if (!o.equals(signing.process())) {
                d.stopAt(SEND, "send", "outbox-relay");
            }
        });
        System.out.println("killing " + signing.process() + " in " + signing.point() + " with " + servers.succeeded(saga) + "/" + total
                + " steps done");
        servers.kill(signing.process());

        // 2. the next owner stops while it hands a command to Kafka
        Debuggee.Hit sending = hits.poll(60, TimeUnit.SECONDS);
        assertThat(sending).as("the next owner sent a command").isNotNull();
        assertThat(sending.process()).isNotEqualTo(signing.process());
        debuggees.values().forEach(d -> d.pass(SEND, "send"));
        System.out.println("killing " + sending.process() + " in " + sending.point() + " with " + servers.succeeded(saga) + "/" + total
                + " steps done");
        servers.kill(sending.process());

        // within the lease and a few steps: a step left waiting for its 120 s timeout would not make it
        await("the last orchestrator finishes the saga").atMost(Duration.ofSeconds(60)).until(() -> servers.db.queryForObject(
                "SELECT status FROM saga WHERE id = ?::uuid", String.class, saga).equals("SUCCEEDED"));
        String last = servers.awaitOwner();
        assertThat(last).isNotIn(signing.process(), sending.process());

        // nothing was tried twice (a step the new owner did not pick up would have timed out and been retried)
        assertThat(servers.db.queryForList("SELECT id FROM step WHERE saga_id = ?::uuid AND attempt <> 1", String.class, saga))
                .as("steps not in their first attempt").isEmpty();
        // each host's command ran once there; each success audited once; the log intact
        for (Map<String, Object> step : servers.db.queryForList("SELECT id, spec->>'target' AS target FROM step WHERE saga_id = ?::uuid",
                saga)) {
            String target = (String) step.get("target");
            if (HOSTS.contains(target)) {
                assertThat(h.executions(target, (String) step.get("id"))).as(step.get("id") + " ran once").isEqualTo(1);
            }
        }
        assertThat(servers.db.queryForList("SELECT step_id FROM audit_log WHERE saga_id = ?::uuid AND action = 'step.succeeded'"
                + " GROUP BY step_id HAVING count(*) <> 1", String.class, saga)).as("successes audited more than once").isEmpty();
        assertThat(servers.db.queryForObject("SELECT count(*) FROM audit_log WHERE saga_id = ?::uuid AND action = 'step.succeeded'",
                Integer.class, saga)).isEqualTo(total);
        assertThat(servers.db.queryForObject("SELECT count(*) FROM step WHERE saga_id = ?::uuid AND spec->>'target' NOT IN ('kp1', 'kp2', 'kp3')",
                Integer.class, saga)).as("steps the orchestrator ran itself").isPositive();
        HttpResponse<String> verify = servers.call(last, "GET", "/api/audit/verify", null);
        assertThat(Json.read(verify.body()).get("ok").asBoolean()).as(verify.body()).isTrue();
    }
}
