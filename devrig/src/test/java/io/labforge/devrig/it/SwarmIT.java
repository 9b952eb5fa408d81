package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labforge.common.features.Features;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabFiles;
import io.labforge.common.lab.LabParser;
import io.labforge.common.messaging.Json;
import io.labforge.common.messaging.Topics;
import io.labforge.devrig.embedded.EmbeddedServices;
import io.labforge.devrig.labhosts.LocalLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Part 2 of the reference lab on three real lab hosts (containers running their own Docker daemons):
 * the swarm forms from the lab file, the join tokens travel sealed (never in clear on Kafka, in the
 * audit log, the API or the database), services, scale, drain and a stopped daemon, the TP1 stack
 * and Prometheus, re-applying changes nothing, and compensation leaves no swarm.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmIT {
    Lab lab;
    /** examples/swarm-lab.yaml without its stacks and Prometheus (the file's last part), for the tests before those. */
    String labSource;
    /** The whole of examples/swarm-lab.yaml, with the files it names (tp1-app/). */
    String fullSource;
    Map<String, String> files;
    LabHostsFixture hosts;
    LocalLab local;
    EmbeddedServices services;
    Harness h;
    String saga;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        Path file = Path.of("..", "examples", "swarm-lab.yaml");
        fullSource = Files.readString(file);
        files = LabFiles.collect(file, Features.PARSER.read(fullSource));
        labSource = fullSource.substring(0, fullSource.indexOf("\n  # R20") + 1);
        lab = Features.PARSER.read(fullSource, files).lab();
        hosts = new LabHostsFixture("SwarmIT", lab, dir).up(Duration.ofMinutes(3), true);
        local = hosts.local;
        services = hosts.services(local.gateway()).services;
        h = hosts.h;
        h.startClusterService();
        hosts.bootstrapAll();
        await("agents announce").atMost(Duration.ofMinutes(2)).until(() -> h.jdbc().queryForObject(
                "SELECT count(*) FROM host WHERE facts->>'sealingKey' IS NOT NULL", Integer.class) == 3);
    }

    @AfterAll
    void stop() {
        if (hosts != null) {
            hosts.close();
        }
    }

    String on(String host, String... argv) {
        return hosts.on(host, argv);
    }

    JsonNode awaitFinal(String sagaId, Duration timeout) {
        return h.awaitFinal(sagaId, timeout);
    }

    @Test
    @Order(1)
    void theSwarmFormsWithThreeReadyNodes() {
        long t0 = System.nanoTime();
        saga = Json.read(h.post("/api/sagas", labSource).body()).get("id").asString();
        JsonNode done = awaitFinal(saga, Duration.ofMinutes(5));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        System.out.printf("SwarmIT: lab with swarm applied in %.1fs%n", (System.nanoTime() - t0) / 1e9);
        String nodes = on("manager1", "docker", "node", "ls", "--format", "{{.Hostname}} {{.Status}} {{.ManagerStatus}}");
        assertThat(nodes.lines().map(String::strip).toList()).as(nodes)
                .containsExactlyInAnyOrder("manager1 Ready Leader", "worker1 Ready", "worker2 Ready");
        assertThat(on("worker2", "docker", "info", "--format", "{{.Swarm.LocalNodeState}}")).isEqualTo("active");
        // overlay subnets come from the lab's pool, away from the lab network
        assertThat(on("manager1", "docker", "network", "inspect", "ingress", "--format", "{{range .IPAM.Config}}{{.Subnet}}{{end}}"))
                .startsWith("10.200.");
    }

    @Test
    @Order(2)
    void everyNodePushesToAndPullsFromTheLabsRegistryOverTls() {
        String image = "manager1.swarm.test:5000/labforge/tiny:1";
        // the registry answers over TLS with a certificate of the lab's CA, which every node trusts
        assertThat(on("worker1", "curl", "-sS", "--cacert", "/etc/docker/certs.d/manager1.swarm.test:5000/ca.crt",
                "https://manager1.swarm.test:5000/v2/")).isEqualTo("{}");
        on("manager1", "sh", "-c", "tar -C /etc -c hostname os-release | docker import - " + image);
        on("manager1", "docker", "push", image);
        on("worker2", "docker", "pull", image);
        assertThat(on("worker2", "docker", "image", "inspect", "--format", "{{.Id}}", image))
                .isEqualTo(on("manager1", "docker", "image", "inspect", "--format", "{{.Id}}", image));
        assertThat(on("manager1", "curl", "-sS", "--cacert", "/etc/docker/registry/labforge-tls/ca.pem",
                "https://manager1.swarm.test:5000/v2/_catalog")).contains("labforge/tiny");
    }

    @Test
    @Order(3)
    void theJoinTokensNeverTravelOrRestInClear() throws Exception {
        String worker = on("manager1", "docker", "swarm", "join-token", "--quiet", "worker");
        String manager = on("manager1", "docker", "swarm", "join-token", "--quiet", "manager");
        assertThat(worker).startsWith("SWMTKN-");
        List<String> records = h.records(Topics.AGENT_COMMANDS, Topics.STEP_EVENTS);
        assertThat(records).as("records read from Kafka").hasSizeGreaterThan(20);
        assertThat(records).noneMatch(r -> r.contains(worker) || r.contains(manager));
        // the join commands carried them sealed, and the init's answer too
        assertThat(records).anyMatch(r -> r.contains("agent.SwarmJoin") && r.contains("$sealed"));
        assertThat(records).anyMatch(r -> r.contains("workerToken") && r.contains("$sealed"));
        assertThat(h.get("/api/audit/export").body()).doesNotContain(worker).doesNotContain(manager);
        assertThat(h.get("/api/sagas/" + saga).body()).doesNotContain(worker).contains("swarm-init@manager1");
        String stored = String.join("\n", h.jdbc().queryForList("SELECT coalesce(outputs::text, '') FROM step", String.class));
        assertThat(stored).doesNotContain(worker).doesNotContain(manager);
        assertThat(h.jdbc().queryForObject("SELECT count(*) FROM outbox", Integer.class)).isZero();
    }

    static final String SERVICES = """
              services:
                - name: web
                  image: manager1.swarm.test:5000/labforge/web:1
                  replicas: 2
                  constraints: [node.role == worker]
                  ports: ["8080:8080"]
                  # this kernel has no IPVS (MACHINE.md): host-mode ports and DNS round robin instead of the mesh
                  publishMode: host
                  endpointMode: dnsrr
                  labels: {lab: swarm, tier: web}
            """;
    String servicesSaga;

    @Test
    @Order(4)
    void aServiceFromTheLabRunsOnTheWorkersAndAnswers() {
        // an image with an HTTP server (busybox's), built on the manager and pushed to the lab's registry
        on("manager1", "sh", "-c", "rm -rf /tmp/web && mkdir -p /tmp/web/bin /tmp/web/www && cp /bin/busybox /tmp/web/bin/ "
                + "&& echo 'hello from labforge' > /tmp/web/www/index.html && tar -C /tmp/web -c . | docker import "
                + "-c 'CMD [\"/bin/busybox\", \"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]' - manager1.swarm.test:5000/labforge/web:1 "
                + "&& docker push manager1.swarm.test:5000/labforge/web:1");
        System.out.println("SwarmIT: publishing in host mode with dnsrr endpoints: this kernel has no IPVS for the routing mesh");
        servicesSaga = Json.read(h.post("/api/sagas", labSource + SERVICES).body()).get("id").asString();
        JsonNode done = awaitFinal(servicesSaga, Duration.ofMinutes(5));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        JsonNode step = Harness.step(done, "service-web@cluster-service");
        assertThat(step.get("outputs").get("running").asInt()).isEqualTo(2);
        assertThat(step.get("outputs").get("created").asBoolean()).isTrue();
        assertThat(on("manager1", "docker", "service", "ls", "--format", "{{.Name}} {{.Replicas}}")).contains("web 2/2");
        String nodes = on("manager1", "docker", "service", "ps", "--filter", "desired-state=running", "--format", "{{.Node}}", "web");
        assertThat(nodes.lines().map(String::strip).sorted().toList()).containsExactly("worker1", "worker2");
        for (String w : List.of("worker1", "worker2")) {
            assertThat(on("manager1", "curl", "-sS", "--max-time", "5", "http://" + w + ".swarm.test:8080/")).isEqualTo("hello from labforge");
        }
        assertThat(on("manager1", "docker", "service", "inspect", "--format", "{{json .Spec.Labels}}", "web")).contains("\"tier\":\"web\"");
        // the same lab again: nothing to change
        String again = Json.read(h.post("/api/sagas", labSource + SERVICES).body()).get("id").asString();
        JsonNode second = awaitFinal(again, Duration.ofMinutes(3));
        assertThat(second.get("steps")).allSatisfy(s -> assertThat(s.get("changed").asBoolean()).as(s.toString()).isFalse());
        // compensating the saga that created it removes the service, and only that
        assertThat(h.post("/api/sagas/" + servicesSaga + "/compensate", "").statusCode()).isLessThan(300);
        assertThat(awaitFinal(servicesSaga, Duration.ofMinutes(5)).get("status").asString()).isEqualTo("COMPENSATED");
        assertThat(on("manager1", "docker", "service", "ls", "--format", "{{.Name}}")).doesNotContain("web");
    }

    static final String SPREAD = """
              services:
                - name: spread
                  image: manager1.swarm.test:5000/labforge/web:1
                  replicas: 4
                  constraints: [node.role == worker]
            """;

    List<String> nodesOf(String service) {
        return on("manager1", "docker", "service", "ps", "--filter", "desired-state=running", "--format", "{{.Node}}", service)
                .lines().map(String::strip).sorted().toList();
    }

    @Test
    @Order(5)
    void scaleUpAndDownThenDrainAWorkerAndItsTasksMove() {
        String spread = Json.read(h.post("/api/sagas", labSource + SPREAD).body()).get("id").asString();
        assertThat(h.awaitFinal(spread, Duration.ofMinutes(5)).get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(nodesOf("spread")).hasSize(4).contains("worker1", "worker2").doesNotContain("manager1");

        // labforge swarm scale: a saga of one step, through cluster-service
        for (int n : new int[] {6, 2}) {
            var r = h.post("/api/labs/swarm/services/spread/scale?replicas=" + n, "");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            JsonNode done = h.awaitFinal(Json.read(r.body()).get("id").asString(), Duration.ofMinutes(3));
            assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
            assertThat(Harness.step(done, "scale-spread@cluster-service").get("outputs").get("running").asInt()).isEqualTo(n);
            assertThat(on("manager1", "docker", "service", "ls", "--filter", "name=spread", "--format", "{{.Replicas}}")).isEqualTo(n + "/" + n);
        }
        assertThat(h.post("/api/labs/swarm/services/nope/scale?replicas=2", "").body()).contains("no swarm service 'nope'");

        // back to the lab's 4, then worker2 drained: its tasks move to worker1
        assertThat(h.awaitFinal(Json.read(h.post("/api/sagas", labSource + SPREAD).body()).get("id").asString(),
                Duration.ofMinutes(3)).get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(nodesOf("spread")).contains("worker2");
        String drain = Json.read(h.post("/api/sagas", labSource + SPREAD + "  availability:\n    worker2: drain\n").body())
                .get("id").asString();
        assertThat(h.awaitFinal(drain, Duration.ofMinutes(3)).get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(on("manager1", "docker", "node", "inspect", "--format", "{{.Spec.Availability}}", "worker2")).isEqualTo("drain");
        await("worker2's tasks move to worker1").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .until(() -> nodesOf("spread").equals(List.of("worker1", "worker1", "worker1", "worker1")));
        // undoing the drain makes worker2 active again; undoing the first saga removes the service it created
        assertThat(h.post("/api/sagas/" + drain + "/compensate", "").statusCode()).isLessThan(300);
        assertThat(h.awaitFinal(drain, Duration.ofMinutes(3)).get("status").asString()).isEqualTo("COMPENSATED");
        assertThat(on("manager1", "docker", "node", "inspect", "--format", "{{.Spec.Availability}}", "worker2")).isEqualTo("active");
        assertThat(h.post("/api/sagas/" + spread + "/compensate", "").statusCode()).isLessThan(300);
        assertThat(h.awaitFinal(spread, Duration.ofMinutes(3)).get("status").asString()).isEqualTo("COMPENSATED");
        assertThat(on("manager1", "docker", "service", "ls", "--format", "{{.Name}}")).doesNotContain("spread");
    }

    /** What {@code labforge swarm status} shows: a read-only saga of one step through cluster-service. */
    JsonNode swarmStatus() {
        var r = h.post("/api/labs/swarm/swarm/status", "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode done = h.awaitFinal(Json.read(r.body()).get("id").asString(), Duration.ofMinutes(1));
        assertThat(done.get("mode").asString()).isEqualTo("PLAN");
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        return Harness.step(done, "describe-swarm@cluster-service").get("outputs");
    }

    static String stateOf(JsonNode status, String node) {
        for (JsonNode n : status.get("nodes")) {
            if (n.get("hostname").asString().equals(node)) {
                return n.get("state").asString() + "/" + n.get("availability").asString();
            }
        }
        return "absent";
    }

    static String replicasOf(JsonNode status, String service) {
        for (JsonNode s : status.get("services")) {
            if (s.get("name").asString().equals(service)) {
                return s.get("running").asLong() + "/" + s.get("desired").asLong();
            }
        }
        return "absent";
    }

    @Test
    @Order(6)
    void whenAWorkersDockerStopsTheServiceConvergesOnTheRestAndStatusShowsIt() {
        String spread = Json.read(h.post("/api/sagas", labSource + SPREAD).body()).get("id").asString();
        assertThat(h.awaitFinal(spread, Duration.ofMinutes(5)).get("status").asString()).isEqualTo("SUCCEEDED");
        JsonNode before = swarmStatus();
        assertThat(stateOf(before, "worker2")).isEqualTo("ready/active");
        assertThat(replicasOf(before, "spread")).isEqualTo("4/4");

        // the daemon (and the socket that would start it again) stops on worker2
        on("worker2", "systemctl", "stop", "docker.socket", "docker.service");
        try {
            await("the manager sees worker2 down and the service converged on worker1").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(3)).until(() -> {
                        JsonNode s = swarmStatus();
                        return stateOf(s, "worker2").startsWith("down") && replicasOf(s, "spread").equals("4/4");
                    });
            assertThat(on("manager1", "docker", "service", "ps", "--filter", "desired-state=running", "--format", "{{.Node}} {{.CurrentState}}",
                    "spread").lines().filter(l -> l.contains("Running")).map(l -> l.split(" ")[0]).toList()).containsOnly("worker1");
        } finally {
            local.exec("worker2", "systemctl", "start", "docker.socket", "docker.service");
        }
        await("worker2 is back").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(3))
                .until(() -> stateOf(swarmStatus(), "worker2").equals("ready/active"));
        assertThat(h.post("/api/sagas/" + spread + "/compensate", "").statusCode()).isLessThan(300);
        assertThat(h.awaitFinal(spread, Duration.ofMinutes(3)).get("status").asString()).isEqualTo("COMPENSATED");
    }

    /** Stand-ins for Portainer's images: busybox answering where Portainer listens; the server serves what its agents answered. */
    static final String PORTAINER_AGENT = """
            #!/bin/busybox sh
            # Stand-in for Portainer's agent: answers on 9001 with what it sees of its node's Docker (the socket mounted)
            /bin/busybox mkdir -p /www
            echo "agent socket:$(/bin/busybox test -S /var/run/docker.sock && echo yes || echo no) volumes:$(/bin/busybox test -d /var/lib/docker/volumes && echo yes || echo no)" > /www/index.html
            exec /bin/busybox httpd -f -p 9001 -h /www
            """;
    static final String PORTAINER_SERVER = """
            #!/bin/busybox sh
            # Stand-in for Portainer's server: reaches its agents where -H points, serves their answer where Portainer listens
            agent=""
            while [ $# -gt 0 ]; do [ "$1" = -H ] && agent="${2#tcp://}"; shift; done
            /bin/busybox mkdir -p /www
            until /bin/busybox wget -qO /www/index.html "http://$agent/"; do /bin/busybox sleep 1; done
            /bin/busybox httpd -p 9443 -h /www
            /bin/busybox httpd -p 8000 -h /www
            exec /bin/busybox httpd -f -p 9000 -h /www
            """;

    @Test
    @Order(7)
    void portainerRunsItsAgentOnEveryNodeAndItsServerReachesThem() {
        String registry = "manager1.swarm.test:5000/labforge/";
        for (String[] image : List.of(new String[] {"portainer-agent-standin", PORTAINER_AGENT}, new String[] {"portainer-standin", PORTAINER_SERVER})) {
            // the script is sh's $1: no shell quoting of its text
            on("manager1", "sh", "-c", "rm -rf /tmp/pt && mkdir -p /tmp/pt/bin && cp /bin/busybox /tmp/pt/bin/ && printf '%s' \"$1\" > /tmp/pt/entry "
                    + "&& chmod 755 /tmp/pt/entry && tar -C /tmp/pt -c . | docker import -c 'ENTRYPOINT [\"/entry\"]' - " + registry + image[0]
                    + ":1 >/dev/null && docker push " + registry + image[0] + ":1 >/dev/null", "sh", image[1]);
        }
        String lab = labSource + "  portainer: {serverImage: " + registry + "portainer-standin:1, agentImage: " + registry
                + "portainer-agent-standin:1, endpointMode: dnsrr, publishMode: host}\n";
        System.out.println("SwarmIT: Portainer's ports published on the host with dnsrr endpoints: this kernel has no IPVS");
        String saga = Json.read(h.post("/api/sagas", lab).body()).get("id").asString();
        JsonNode done = awaitFinal(saga, Duration.ofMinutes(5));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        // the agent on every node (global), with the Docker socket and the volumes directory mounted
        String agents = on("manager1", "docker", "service", "ps", "--filter", "desired-state=running", "--format", "{{.Node}}", "portainer_agent");
        assertThat(agents.lines().sorted().toList()).containsExactly("manager1", "worker1", "worker2");
        assertThat(on("manager1", "docker", "service", "inspect", "--format", "{{.Spec.Mode.Global}}", "portainer_agent")).isEqualTo("{}");
        // the server on a manager reached its agents at tasks.agent:9001 over the overlay network, and answers where Portainer does
        assertThat(on("manager1", "docker", "service", "ps", "--filter", "desired-state=running", "--format", "{{.Node}}", "portainer_portainer"))
                .isEqualTo("manager1");
        await("Portainer's server answers").atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() -> local.exec("worker1", "curl", "-sS",
                "--max-time", "5", "http://manager1.swarm.test:9000/").out().contains("agent socket:yes volumes:yes"));
        assertThat(on("worker1", "curl", "-sS", "--max-time", "5", "http://manager1.swarm.test:9443/")).contains("agent socket:yes");
        // compensation removes the stack, and only it
        assertThat(h.post("/api/sagas/" + saga + "/compensate", "").statusCode()).isLessThan(300);
        assertThat(awaitFinal(saga, Duration.ofMinutes(5)).get("status").asString()).isEqualTo("COMPENSATED");
        assertThat(on("manager1", "docker", "service", "ls", "--format", "{{.Name}}")).doesNotContain("portainer");
        assertThat(on("manager1", "docker", "node", "ls", "--format", "{{.Hostname}}").lines()).hasSize(3);
    }

    @Test
    @Order(8)
    void theTp1StackIsBuiltPushedAndDeployedOnTheWorkersAndPrometheusScrapesEveryNode() {
        long t0 = System.nanoTime();
        String full = Json.read(h.postJson("/api/sagas", Map.of("lab", fullSource, "files", files)).body()).get("id").asString();
        JsonNode done = awaitFinal(full, Duration.ofMinutes(10));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        System.out.printf("SwarmIT: TP1 built, pushed and deployed, Prometheus up, in %.1fs%n", (System.nanoTime() - t0) / 1e9);
        assertThat(Harness.step(done, "stack-build-tp1@manager1").get("outputs").get("images").get("web").asString())
                .isEqualTo("manager1.swarm.test:5000/tp1/web:1");

        // R20: three services, their replicas, on workers only, from the lab's registry, with the compose file's labels
        assertThat(on("manager1", "docker", "stack", "services", "tp1", "--format", "{{.Name}}|{{.Replicas}}|{{.Image}}").lines()
                .map(l -> l.strip().split("\\|")).map(f -> f[0] + " " + f[1].split(" ")[0] + " " + f[2]).sorted().toList()).containsExactly(
                        "tp1_nginx 2/2 manager1.swarm.test:5000/tp1/nginx:1", "tp1_redis 1/1 manager1.swarm.test:5000/tp1/redis:1",
                        "tp1_web 5/5 manager1.swarm.test:5000/tp1/web:1");
        assertThat(on("manager1", "docker", "stack", "ps", "tp1", "--filter", "desired-state=running", "--format", "{{.Node}}")
                .lines().map(String::strip).distinct().sorted().toList()).containsExactly("worker1", "worker2");
        assertThat(on("manager1", "docker", "service", "inspect", "--format", "{{json .Spec.Labels}}", "tp1_web")).contains("\"tp1.tier\":\"app\"");
        assertThat(on("manager1", "curl", "-sS", "--cacert", "/etc/docker/registry/labforge-tls/ca.pem",
                "https://manager1.swarm.test:5000/v2/_catalog")).contains("tp1/web", "tp1/redis", "tp1/nginx");

        // through NGINX on either worker, the app counts visits in the one Redis
        List<Integer> counts = new ArrayList<>();
        for (String w : List.of("worker1", "worker2", "worker1")) {
            String page = await("TP1 answers through NGINX on " + w).atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> local.exec("manager1", "curl", "-sS", "--max-time", "5", "http://" + w + ".swarm.test/").out(),
                            p -> p.matches("(?s)Hello from .*I have been seen \\d+ times\\.\\s*"));
            counts.add(Integer.parseInt(page.replaceAll("(?s).*seen (\\d+) times.*", "$1")));
        }
        assertThat(counts.get(1)).isGreaterThan(counts.get(0));
        assertThat(counts.get(2)).isGreaterThan(counts.get(1));

        // R23: Prometheus on manager1 scrapes the three daemons, the targets as the lab lists them
        JsonNode targets = await("Prometheus's targets are up").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).until(
                () -> Json.read(local.exec("manager1", "curl", "-sS", "--max-time", "5", "http://manager1.swarm.test:9090/api/v1/targets").out()
                        .replaceFirst("^[^{]*", "")).path("data").path("activeTargets"),
                t -> t.size() == 3 && StreamSupport.stream(t.spliterator(), false).allMatch(x -> x.path("health").asString().equals("up")));
        assertThat(StreamSupport.stream(targets.spliterator(), false).map(t -> t.path("labels").path("node").asString()).sorted()
                .toList()).containsExactly("manager1", "worker1", "worker2");
        JsonNode status = swarmStatus();
        assertThat(replicasOf(status, "tp1_web")).isEqualTo("5/5");
        assertThat(replicasOf(status, "prometheus")).isEqualTo("1/1");
        // the README's swarm lines, as written, against this orchestrator: the status as above, the scale finds tp1_web at 5
        assertThat(String.join("\n", ReadmeLines.runAll("SwarmIT", hosts.userHome(), Map.of(), h.cliEnv()))).contains("tp1_web", "5/5");

        // the same lab again: nothing to change (the images rebuild to the same ids, the stack's specs stay)
        String again = Json.read(h.postJson("/api/sagas", Map.of("lab", fullSource, "files", files)).body()).get("id").asString();
        JsonNode second = awaitFinal(again, Duration.ofMinutes(5));
        assertThat(second.get("status").asString()).as(second.toString()).isEqualTo("SUCCEEDED");
        assertThat(second.get("steps")).allSatisfy(s -> assertThat(s.get("changed").asBoolean()).as(s.toString()).isFalse());
        // and a plan (checks only) agrees: the build record says the images are those of these files
        String plan = Json.read(h.postJson("/api/sagas?mode=plan", Map.of("lab", fullSource, "files", files)).body())
                .get("id").asString();
        JsonNode planned = awaitFinal(plan, Duration.ofMinutes(3));
        assertThat(planned.get("status").asString()).as(planned.toString()).isEqualTo("SUCCEEDED");
        assertThat(Harness.step(planned, "stack-build-tp1@manager1").get("changed").asBoolean()).isFalse();
        assertThat(Harness.step(planned, "stack-tp1@manager1").get("changed").asBoolean()).isFalse();

        // compensating the saga that made them removes the stack (services, network) and Prometheus (and its config)
        assertThat(h.post("/api/sagas/" + full + "/compensate", "").statusCode()).isLessThan(300);
        assertThat(awaitFinal(full, Duration.ofMinutes(5)).get("status").asString()).isEqualTo("COMPENSATED");
        assertThat(on("manager1", "docker", "service", "ls", "--format", "{{.Name}}")).doesNotContain("tp1_").doesNotContain("prometheus");
        assertThat(on("manager1", "docker", "network", "ls", "--format", "{{.Name}}")).doesNotContain("tp1_default");
        assertThat(on("manager1", "docker", "config", "ls", "--format", "{{.Name}}")).doesNotContain("prometheus-");
        assertThat(on("manager1", "docker", "node", "ls", "--format", "{{.Hostname}}").lines().count()).as("the swarm stays").isEqualTo(3);
    }

    @Test
    @Order(9)
    void reapplyingChangesNothing() {
        String again = Json.read(h.post("/api/sagas", labSource).body()).get("id").asString();
        JsonNode done = awaitFinal(again, Duration.ofMinutes(3));
        assertThat(done.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("steps")).allSatisfy(s -> assertThat(s.get("changed").asBoolean()).as(s.toString()).isFalse());
    }

    @Test
    @Order(10)
    void compensationLeavesNoSwarm() {
        assertThat(h.post("/api/sagas/" + saga + "/compensate", "").statusCode()).isLessThan(300);
        JsonNode done = awaitFinal(saga, Duration.ofMinutes(5));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("COMPENSATED");
        for (Lab.Host x : lab.hosts()) {
            // the undo of daemon.json restarted dockerd a moment ago: ask once it answers again
            try {
                await(x.name() + "'s Docker answers").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                        .until(() -> local.exec(x.name(), "docker", "info", "--format", "{{.ServerVersion}}").ok());
            } catch (ConditionTimeoutException e) {
                throw new AssertionError(x.name() + ": " + local.exec(x.name(), "docker", "info").out() + "\n"
                        + local.exec(x.name(), "sh", "-c", "cat /etc/docker/daemon.json; ls -la /etc/systemd/system/docker.service.d/; env | grep -i docker").out(), e);
            }
            assertThat(on(x.name(), "docker", "info", "--format", "{{.Swarm.LocalNodeState}}")).as(x.name()).isEqualTo("inactive");
            assertThat(local.exec(x.name(), "test", "-e", "/etc/docker/certs.d/manager1.swarm.test:5000/ca.crt").ok()).isFalse();
        }
        assertThat(local.exec("manager1", "systemctl", "is-active", "docker-registry").out()).isEqualTo("inactive");
    }
}
