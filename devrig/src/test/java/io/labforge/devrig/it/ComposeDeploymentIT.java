package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labforge.common.features.Features;
import io.labforge.common.lab.Lab;
import io.labforge.common.messaging.Json;
import io.labforge.devrig.labhosts.Cmd;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The real deployment, run as its runbook (docs/deployment.md) says: the images from
 * {@code deploy/build-images}, {@code docker-compose up} of Kafka, PostgreSQL, two orchestrators,
 * gitlab-service and cluster-service, the services enrolled with {@code deploy/enrol-services}, two
 * lab-host containers bootstrapped by the CLI against the deployment, and a lab applied through the API
 * of the orchestrator that does not own the sagas. Mid-saga the owner's container is killed (SIGKILL):
 * the other takes over, and the saga finishes with each step applied once on its host and audited once,
 * the audit log intact.
 */
class ComposeDeploymentIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String CLI_JAR = ROOT.resolve("devrig/target/labforge-devrig-exec.jar").toString();
    private static final String STATE = "/var/lib/labforge";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private final String project = "labforge-it-" + ProcessHandle.current().pid();
    private final Map<String, String> env = new HashMap<>();
    private LabHostsFixture hosts;
    private boolean composed;

    @Test
    void aLabAppliedThroughTheComposeDeploymentFinishesWhenItsOwningOrchestratorIsKilled() throws Exception {
        Lab lab = Features.PARSER.parse(labYaml(), "compose-lab.yaml");
        hosts = new LabHostsFixture("ComposeDeploymentIT", lab, dir); // skips, saying why, without Docker or the lab-host image
        boolean compose;
        try {
            compose = run(List.of("docker-compose", "version"), 30).ok();
        } catch (IllegalStateException notInstalled) {
            compose = false;
        }
        if (!compose) {
            System.out.println("SKIPPED ComposeDeploymentIT: docker-compose is not installed (apt-get install docker-compose)");
        }
        Assumptions.assumeTrue(compose, "docker-compose is not installed (apt-get install docker-compose)");
        Path labFile = Files.writeString(dir.resolve("compose-lab.yaml"), labYaml());
        String kafkaAddress = hosts.local.gateway(); // this machine as the lab's hosts reach it
        int api1 = ServerProcesses.freePort();
        int api2 = ServerProcesses.freePort();
        int kafkaPort = ServerProcesses.freePort();
        env.put("LABFORGE_KAFKA_ADDRESS", kafkaAddress);
        env.put("LABFORGE_KAFKA_PORT", Integer.toString(kafkaPort));
        env.put("LABFORGE_PORT", Integer.toString(api1));
        env.put("LABFORGE_PORT_2", Integer.toString(api2));
        env.put("LABFORGE_DB_PASSWORD", "it-" + Long.toHexString(System.nanoTime()));

        require(List.of(ROOT.resolve("deploy/build-images").toString()), 1200);
        composed = true;
        long t0 = System.nanoTime();
        require(compose("up", "-d"), 600);
        System.out.printf("docker-compose up: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        env.put("LABFORGE_URL", "http://localhost:" + api1);
        require(List.of(ROOT.resolve("deploy/enrol-services").toString(), "-p", project), 300);
        env.put("LABFORGE_TOKEN", require(compose("exec", "-T", "orchestrator-1", "cat", STATE + "/token"), 60).strip());
        // gitlab-service on Kafka with its new certificate (mutual TLS, its ACLs, its signature): it announces
        // itself with its sealing key (cluster-service, which takes no secrets, does not announce)
        await("gitlab-service announces itself").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                .until(() -> get(api1, "/api/hosts?name=gitlab-service").path(0).path("lastSeen").isString());

        // the agents, installed by the CLI with the deployment's public keys, its admin token and Kafka's port for hosts
        hosts.up(Duration.ofMinutes(3), true);
        Path pub = Files.writeString(dir.resolve("orchestrator.pub"), require(compose("exec", "-T", "orchestrator-1", "cat", STATE + "/orchestrator.pub"), 60));
        // the keys bootstrap gives the agents, as both orchestrators serve them: those of the state volume
        for (int api : List.of(api1, api2)) {
            JsonNode keys = get(api, "/api/orchestrator/keys");
            assertThat(keys.get("signing").asString()).isEqualTo(Files.readString(pub).strip());
            assertThat(keys.get("sealing").asString()).isEqualTo(require(compose("exec", "-T", "orchestrator-1", "cat", STATE + "/sealing.pub"), 60).strip());
        }
        require(cli("hosts", "bootstrap", labFile.toString(), "--kafka", kafkaAddress + ":" + kafkaPort, "--public-key", pub.toString(),
                "--key", hosts.local.privateKey().toString()), 300);

        // submitted to the standby, which hands it to the owner
        JsonNode owner = get(api1, "/api/owner");
        int standby = owner.get("thisOwns").asBoolean() ? api2 : api1;
        int owning = standby == api1 ? api2 : api1;
        HttpResponse<String> submitted = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + standby + "/api/sagas"))
                .header("Authorization", "Bearer " + env.get("LABFORGE_TOKEN")).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(labYaml())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
        String saga = Json.read(submitted.body()).get("id").asString();

        await("the saga's first success").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> succeeded(get(standby, "/api/sagas/" + saga)) >= 1);
        String victim = owner.get("owner").asString();
        String container = require(compose("ps", "-q", victim), 60).strip();
        long killed = System.nanoTime(); // docker kill answers within ~0.1 s (docker-compose's own start takes ~1 s)
        require(List.of("docker", "kill", "--signal", "KILL", container), 60);
        JsonNode atKill = get(standby, "/api/sagas/" + saga);
        System.out.println("killed " + victim + "'s container with " + succeeded(atKill) + "/" + atKill.get("steps").size() + " steps done");
        int survivor = owning == api1 ? api2 : api1;
        await("the other orchestrator takes over").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> get(survivor, "/api/owner").get("thisOwns").asBoolean());
        long failover = (System.nanoTime() - killed) / 1_000_000;
        System.out.println("failover after SIGKILL of " + victim + "'s container: " + failover + " ms (lease 6 s)");
        assertThat(failover).isLessThan(10_000);

        JsonNode done = await("the saga finishes").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> get(survivor, "/api/sagas/" + saga), s -> !s.get("status").asString().matches("RUNNING|COMPENSATING"));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        int steps = done.get("steps").size();

        // each step's success audited once, the log intact
        Map<String, Integer> successes = new HashMap<>();
        for (String line : auditExport(survivor).split("\n")) {
            JsonNode e = Json.read(line);
            if (e.path("sagaId").isString() && saga.equals(e.get("sagaId").asString()) && e.get("action").asString().equals("step.succeeded")) {
                successes.merge(e.get("stepId").asString(), 1, Integer::sum);
            }
        }
        assertThat(successes).hasSize(steps);
        assertThat(successes.values()).allSatisfy(n -> assertThat(n).isEqualTo(1));
        assertThat(get(survivor, "/api/audit/verify").get("ok").asBoolean()).isTrue();
        // each command applied once on its host, and the hosts changed as the lab says
        for (Lab.Host host : lab.hosts()) {
            Map<String, Integer> journal = new HashMap<>();
            for (String line : hosts.on(host.name(), "cat", "/var/lib/labforge-agent/journal.jsonl").split("\n")) {
                if (!line.isBlank()) {
                    journal.merge(Json.read(line).get("key").asString(), 1, Integer::sum);
                }
            }
            assertThat(journal).as(host.name() + "'s journal").isNotEmpty();
            assertThat(journal.values()).as(host.name() + "'s journal").allSatisfy(n -> assertThat(n).isEqualTo(1));
            assertThat(hosts.on(host.name(), "cat", "/etc/hostname")).isEqualTo(host.name());
            assertThat(hosts.on(host.name(), "cat", "/etc/docker/daemon.json")).contains("\"metrics-addr\"");
        }
    }

    @AfterEach
    void tearDown() {
        try {
            if (composed) {
                Cmd.Result logs = run(compose("logs", "--no-color", "--tail", "40"), 120);
                Files.writeString(dir.resolve("compose.log"), logs.out());
                run(compose("down", "-v", "--remove-orphans"), 300);
            }
        } catch (IOException e) {
            System.out.println("could not keep the deployment's logs: " + e.getMessage());
        } finally {
            if (hosts != null) {
                hosts.close();
            }
        }
    }

    /** The README's three-host lab on a network of its own, with two hosts (the compose deployment is the point here). */
    private static String labYaml() throws IOException {
        String yaml = Files.readString(ROOT.resolve("examples/local-lab.yaml")).replace("name: local", "name: compose-it")
                .replace("10.77.0.", "10.78.0.");
        return yaml.substring(0, yaml.indexOf("  - name: node3"));
    }

    private static int succeeded(JsonNode saga) {
        int n = 0;
        for (JsonNode s : saga.get("steps")) {
            n += s.get("state").asString().equals("SUCCEEDED") ? 1 : 0;
        }
        return n;
    }

    private JsonNode get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + env.get("LABFORGE_TOKEN")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return Json.read(r.body());
    }

    private String auditExport(int port) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/audit/export"))
                .header("Authorization", "Bearer " + env.get("LABFORGE_TOKEN")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private List<String> compose(String... args) {
        List<String> argv = new ArrayList<>(List.of("docker-compose", "-p", project, "-f", ROOT.resolve("docker-compose.yml").toString()));
        argv.addAll(List.of(args));
        return argv;
    }

    /** The CLI as a user runs it ({@code ./labforge}), with a home of its own. */
    private List<String> cli(String... args) {
        List<String> argv = new ArrayList<>(List.of("java", "-Duser.home=" + dir.resolve("cli-home"), "-jar", CLI_JAR));
        argv.addAll(List.of(args));
        return argv;
    }

    /** Runs a program (argv, no shell) in the clone's root with this deployment's environment. */
    private Cmd.Result run(List<String> argv, long timeoutSeconds) {
        return Cmd.run(argv, ROOT, env, timeoutSeconds);
    }

    private String require(List<String> argv, long timeoutSeconds) {
        Cmd.Result r = run(argv, timeoutSeconds);
        assertThat(r.ok()).as(String.join(" ", argv) + " (exit " + r.exit() + "):\n" + r.out()).isTrue();
        return r.out();
    }
}
