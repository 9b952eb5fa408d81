package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labforge.common.messaging.Json;
import io.labforge.common.messaging.Topics;
import io.labforge.common.tls.Pki;
import io.labforge.common.worker.CommandSource;
import io.labforge.common.worker.WorkerLoop;
import io.labforge.orchestrator.runtime.KafkaSetup;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The local example lab, end to end: REST → PostgreSQL → Kafka → three agents → events → saga done. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class ThreeHostLabIT {
    Harness h;
    String lab;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        h = new Harness(dir);
        h.startOrchestrator();
        for (String host : new String[] {"node1", "node2", "node3"}) {
            h.startAgent(host);
        }
        lab = Files.readString(Path.of("..", "examples", "local-lab.yaml"));
    }

    @AfterAll
    void stop() {
        h.close();
    }

    JsonNode awaitFinal(String sagaId) {
        JsonNode[] last = new JsonNode[1];
        await("saga " + sagaId + " finishes").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = Json.read(h.get("/api/sagas/" + sagaId).body());
            String s = last[0].get("status").asString();
            return s.equals("SUCCEEDED") || s.equals("PAUSED") || s.equals("FAILED") || s.equals("COMPENSATED");
        });
        return last[0];
    }

    @Test
    void eachAgentReadsOnlyThePartitionItsHostIdHashesTo() {
        for (String host : new String[] {"node1", "node2", "node3"}) {
            TopicPartition p = ((CommandSource.OwnPartition) h.agents.get(host).loop().source()).partition();
            assertThat(p.topic()).isEqualTo(Topics.AGENT_COMMANDS);
            assertThat(p.partition()).isEqualTo(Topics.partitionFor(host,
                    KafkaSetup.AGENT_COMMAND_PARTITIONS));
        }
    }

    @Test
    void threeHostLabCompletesAndTheHostsShowIt() throws Exception {
        HttpResponse<String> created = h.post("/api/sagas", lab);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String sagaId = Json.read(created.body()).get("id").asString();

        JsonNode done = awaitFinal(sagaId);

        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("steps")).hasSize(27).allSatisfy(s -> assertThat(s.get("state").asString()).isEqualTo("SUCCEEDED"));
        for (String host : new String[] {"node1", "node2", "node3"}) {
            Path root = h.hostRoot(host);
            assertThat(Files.readString(root.resolve("etc/hostname"))).isEqualTo(host + "\n");
            assertThat(Files.readString(root.resolve("etc/hosts")))
                    .contains("10.77.0.11 node1.lab.test node1", "10.77.0.12 node2.lab.test node2",
                            "10.77.0.13 node3.lab.test node3");
            JsonNode daemon = Json.read(Files.readString(root.resolve("etc/docker/daemon.json")));
            assertThat(daemon.get("metrics-addr").asString()).isEqualTo("0.0.0.0:9323");
            assertThat(Files.readString(root.resolve("etc/nftables.d/labforge.nft"))).contains("tcp dport 2377 accept");
            assertThat(Files.readString(root.resolve("etc/docker/certs.d/node1.lab.test:5000/ca.crt")))
                    .startsWith("-----BEGIN CERTIFICATE-----");
            // the Engine API's TLS: the key made on the host, the certificate signed by the lab's CA for its names
            assertThat(root.resolve("etc/docker/labforge-tls/key.pem")).exists();
            X509Certificate cert = Pki.certificate(
                    Files.readString(root.resolve("etc/docker/labforge-tls/cert.pem")));
            assertThat(cert.getSubjectAlternativeNames().toString()).contains(host + ".lab.test");
            assertThat(Files.readString(root.resolve("etc/systemd/system/docker.service.d/labforge-hosts.conf")))
                    .contains("ExecStart=\n");
        }
        assertThat(Json.read(Files.readString(h.hostRoot("node3").resolve("etc/docker/daemon.json")))
                .get("insecure-registries").get(0).asString()).isEqualTo("node1.lab.test:5000");
        // the three hosts, whose agents were heard from, and the orchestrator, which signed their certificates
        assertThat(done.get("hosts")).extracting(x -> x.get("name").asString())
                .containsExactlyInAnyOrder("node1", "node2", "node3", "orchestrator");
        assertThat(done.get("hosts")).filteredOn(x -> !x.get("name").asString().equals("orchestrator"))
                .allSatisfy(host -> assertThat(host.get("lastSeen").isNull()).isFalse());

        JsonNode verify = Json.read(h.get("/api/audit/verify").body());
        assertThat(verify.get("ok").asBoolean()).as(verify.toString()).isTrue();
        JsonNode audit = Json.read(h.get("/api/audit?sagaId=" + sagaId + "&limit=1000").body());
        assertThat(audit).filteredOn(a -> a.get("action").asString().equals("step.succeeded")).hasSize(27)
                // each success is recorded with the worker whose signed event it was: the step's own target
                .allSatisfy(a -> assertThat(a.get("signer").asString()).isEqualTo(a.get("target").asString()));
        assertThat(audit).allSatisfy(a -> assertThat(a.get("actor").asString()).isIn(Harness.ACTOR, "orchestrator"));
        // the orchestrator sealed the log when the saga ended
        assertThat(verify.get("seals").asLong()).isPositive();

        // the lab report, from the audit log: per host what was done, the firewall and the daemon's settings
        String report = h.get("/api/sagas/" + sagaId + "/report").body();
        assertThat(report).contains("# Lab report: local", "Outcome: **succeeded**", "## node1", "## node3",
                "| firewall@node2 | changed |", "tcp dport 2377 accept", "\"metrics-addr\" : \"0.0.0.0:9323\"",
                "10.77.0.13 node3.lab.test node3");

        // applying again changes nothing
        String again = Json.read(h.post("/api/sagas", lab).body()).get("id").asString();
        JsonNode second = awaitFinal(again);
        assertThat(second.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(second.get("steps")).allSatisfy(s -> assertThat(s.get("changed").asBoolean()).as(s.toString()).isFalse());

        // a plan after a manual change shows exactly that drift
        Files.writeString(h.hostRoot("node2").resolve("etc/hostname"), "renamed\n");
        String plan = Json.read(h.post("/api/sagas?mode=plan", lab).body()).get("id").asString();
        JsonNode planned = awaitFinal(plan);
        assertThat(planned.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(planned.get("steps")).filteredOn(s -> s.get("changed").asBoolean())
                .extracting(s -> s.get("id").asString()).containsExactly("hostname@node2");
        assertThat(Files.readString(h.hostRoot("node2").resolve("etc/hostname"))).isEqualTo("renamed\n");

        // compensating the first saga puts every host back as it found it; a live watcher sees it happen
        List<String> live = new CopyOnWriteArrayList<>();
        var stream = h.http.sendAsync(h.request("/api/sagas/" + sagaId + "/events").build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(r -> r.body().forEach(live::add));
        await("the live stream is open").atMost(Duration.ofSeconds(10))
                .until(() -> live.stream().anyMatch(l -> l.startsWith("event:subscribed")));
        assertThat(h.post("/api/sagas/" + sagaId + "/compensate", "").statusCode()).isEqualTo(200);
        await("live progress over server-sent events").atMost(Duration.ofSeconds(60))
                .until(() -> live.stream().anyMatch(l -> l.contains("\"saga.compensated\"")));
        assertThat(live).anyMatch(l -> l.startsWith("event:update"));
        assertThat(live).anyMatch(l -> l.contains("\"step.compensated\"") && l.contains("hostname@node1"));
        stream.cancel(true);
        JsonNode undone = awaitFinal(sagaId);
        assertThat(undone.get("status").asString()).as(undone.toString()).isEqualTo("COMPENSATED");
        for (String host : new String[] {"node1", "node2", "node3"}) {
            Path root = h.hostRoot(host);
            assertThat(Files.readString(root.resolve("etc/hostname"))).isEqualTo("debian\n");
            assertThat(Files.readString(root.resolve("etc/hosts"))).isEqualTo("127.0.0.1 localhost\n");
            assertThat(root.resolve("etc/docker/daemon.json")).doesNotExist();
            assertThat(root.resolve("etc/docker/certs.d/node1.lab.test:5000")).doesNotExist();
            assertThat(root.resolve("etc/docker/labforge-tls/key.pem")).doesNotExist();
            assertThat(root.resolve("etc/docker/labforge-tls/cert.pem")).doesNotExist();
            assertThat(root.resolve("etc/systemd/system/docker.service.d/labforge-hosts.conf")).doesNotExist();
            assertThat(Files.readString(root.resolve("etc/nftables.d/labforge.nft"))).doesNotContain("2377");
        }
        JsonNode undoAudit = Json.read(h.get("/api/audit?sagaId=" + sagaId + "&limit=1000").body());
        assertThat(undoAudit).extracting(a -> a.get("action").asString()).contains("saga.compensating", "saga.compensated");
    }
}
