package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labforge.common.features.Features;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabParser;
import io.labforge.common.messaging.Json;
import io.labforge.common.messaging.Topics;
import io.labforge.common.tls.Pki;
import io.labforge.common.worker.WorkerIdentity;
import io.labforge.devrig.embedded.EmbeddedServices;
import io.labforge.devrig.labhosts.Cmd;
import io.labforge.devrig.labhosts.LocalLab;
import io.labforge.orchestrator.bootstrap.AgentUninstall;
import io.labforge.orchestrator.bootstrap.HostBootstrap;
import io.labforge.orchestrator.local.LabCa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The agent on real Linux hosts: three lab-host containers (systemd, sshd, Docker, firewalld) on a
 * bridge network, agents installed over SSH, the local example lab applied, and the hosts
 * themselves asked whether it holds. Skipped, with the reason, where no Docker daemon or lab-host
 * image is available.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(900)
class RealHostsIT {
    Lab lab;
    String labSource;
    LabHostsFixture hosts;
    LocalLab local;
    EmbeddedServices services;
    Harness h;
    Path home;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        labSource = Files.readString(Path.of("..", "examples", "local-lab.yaml"));
        lab = Features.PARSER.parse(labSource, "local-lab.yaml");
        hosts = new LabHostsFixture("RealHostsIT", lab, dir).up(Duration.ofMinutes(3), true);
        local = hosts.local;
        home = hosts.home;
        services = hosts.services(local.gateway()).services;
        h = hosts.h;
    }

    @AfterAll
    void stop() {
        if (hosts != null) {
            hosts.close();
        }
    }

    HostBootstrap bootstrap() {
        return hosts.bootstrapper();
    }

    AgentUninstall uninstall() {
        return new AgentUninstall(home.resolve("known_hosts"), new HostBootstrap.Login("root", local.privateKey(), null));
    }

    List<String[]> hosts() {
        return lab.hosts().stream().map(x -> new String[] {x.name(), x.address()}).toList();
    }

    String on(String host, String... argv) {
        return hosts.on(host, argv);
    }

    JsonNode awaitFinal(String sagaId, Duration timeout) {
        return h.awaitFinal(sagaId, timeout);
    }

    @Test
    @Order(1)
    void agentsAreInstalledOverSshOnceAndAnnounceThemselves() {
        List<String[]> withAGhost = new ArrayList<>(hosts());
        withAGhost.add(1, new String[] {"ghost", "10.77.0.99"});
        List<HostBootstrap.Outcome> all = bootstrap().all(withAGhost);

        // a host that cannot be reached does not stop the others, and says why
        assertThat(all.get(1).ok()).isFalse();
        assertThat(all.get(1).detail()).isNotBlank();
        List<HostBootstrap.Outcome> first = List.of(all.get(0), all.get(2), all.get(3));
        assertThat(first).allSatisfy(o -> {
            assertThat(o.ok()).as(o.host() + ": " + o.detail()).isTrue();
            assertThat(o.changed()).isTrue();
            assertThat(o.upgraded()).as("a first install is not an upgrade").isFalse();
            assertThat(o.detail()).contains("Debian GNU/Linux 12");
        });
        await("agents announce themselves").atMost(Duration.ofSeconds(120)).until(() -> h.jdbc().queryForObject(
                "SELECT count(*) FROM host WHERE announced_at IS NOT NULL", Integer.class) == 3);
        // each agent's identity was made on its host and registered as read over SSH: the keys the host holds
        for (HostBootstrap.Outcome o : first) {
            WorkerIdentity onHost = WorkerIdentity.parse(on(o.host(), "cat", "/var/lib/labforge-agent/identity.json"));
            assertThat(onHost.signingKey()).isEqualTo(o.identity().signingKey());
            assertThat(h.jdbc().queryForObject("SELECT fingerprint FROM worker_identity WHERE worker = ?", String.class, o.host()))
                    .isEqualTo(onHost.fingerprint());
            assertThat(on(o.host(), "stat", "-c", "%a", "/var/lib/labforge-agent/identity.key", "/var/lib/labforge-agent/bus.key").lines())
                    .containsOnly("600");
        }

        List<HostBootstrap.Outcome> second = bootstrap().all(hosts());
        assertThat(second).allSatisfy(o -> {
            assertThat(o.ok()).isTrue();
            assertThat(o.changed()).as(o.detail()).isFalse();
            assertThat(o.detail()).contains("unchanged");
        });
    }

    @Test
    @Order(2)
    void aChangedHostKeyIsRefused() throws IOException {
        Path known = home.resolve("known_hosts");
        String original = Files.readString(known);
        // pretend node1 was first seen with node2's key
        String node2Key = original.lines().filter(l -> l.startsWith("10.77.0.12 ")).findFirst().orElseThrow().substring(11);
        Files.writeString(known, original.lines().map(l -> l.startsWith("10.77.0.11 ") ? "10.77.0.11 " + node2Key : l)
                .reduce("", (a, b) -> a + b + "\n"));

        HostBootstrap.Outcome o = bootstrap().all(List.<String[]>of(new String[] {"node1", "10.77.0.11"})).get(0);

        assertThat(o.ok()).isFalse();
        assertThat(o.detail()).contains("host key changed").contains("known_hosts");
        Files.writeString(known, original);
    }

    @Test
    @Order(3)
    void theLabIsAppliedForRealAndTheHostsShowIt() {
        String saga = Json.read(h.post("/api/sagas", labSource).body()).get("id").asString();
        JsonNode done = awaitFinal(saga, Duration.ofMinutes(5));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");

        // R1: names and /etc/hosts; hosts reach each other by name
        assertThat(on("node1", "hostname")).isEqualTo("node1");
        assertThat(on("node1", "getent", "hosts", "node2.lab.test")).startsWith("10.77.0.12");
        on("node3", "ping", "-c", "1", "-W", "3", "node1");
        // R4: the daemon's data lives where the lab says, and is in use
        assertThat(on("node1", "docker", "info", "--format", "{{.DockerRootDir}}")).isEqualTo("/data/docker");
        assertThat(on("node1", "ls", "/data/docker")).contains("overlay2", "image", "containers");
        // R15, R19: the daemon runs with the lab's settings
        JsonNode daemon = Json.read(on("node3", "cat", "/etc/docker/daemon.json"));
        assertThat(daemon.get("metrics-addr").asString()).isEqualTo("0.0.0.0:9323");
        assertThat(on("node3", "docker", "info", "--format", "{{json .RegistryConfig.IndexConfigs}}")).contains("node1.lab.test:5000");
        // R19: every swarm node trusts the registry's CA, where Docker looks for it
        assertThat(on("node2", "openssl", "x509", "-noout", "-subject", "-in", "/etc/docker/certs.d/node1.lab.test:5000/ca.crt"))
                .contains("Labforge example lab CA");
        // the Engine API answers over mutual TLS, from another address, only to a client the lab's CA signed
        assertThat(engineApi(true)).contains("\"ApiVersion\"");
        assertThat(engineApi(false)).doesNotContain("ApiVersion");
        // R2, R16: firewalld stays on, with the Swarm ports open; the rules are in the step's result
        assertThat(on("node2", "firewall-cmd", "--state")).isEqualTo("running");
        assertThat(on("node2", "firewall-cmd", "--zone", "public", "--list-ports")).contains("2377/tcp", "7946/udp", "9323/tcp");
        JsonNode fw = stepOutputs(done, "firewall@node2");
        assertThat(fw.get("backend").asString()).isEqualTo("firewalld");
        assertThat(fw.get("rules").asString()).contains("ports:").contains("2377/tcp");
        // an opened port answers from another host (dockerd's metrics, R15); one not opened is refused
        assertThat(on("node2", "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                "http://node1.lab.test:9323/metrics")).isEqualTo("200");
        local.exec("node1", "sh", "-c", "nohup nc -lk -p 8081 >/dev/null 2>&1 &");
        assertThat(local.exec("node2", "nc", "-z", "-w", "3", "node1.lab.test", "8081").ok()).as("8081 is not opened").isFalse();
    }

    @Test
    @Order(4)
    void reapplyingChangesNothing() {
        String saga = Json.read(h.post("/api/sagas", labSource).body()).get("id").asString();
        JsonNode done = awaitFinal(saga, Duration.ofMinutes(3));
        assertThat(done.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("steps")).allSatisfy(s -> assertThat(s.get("changed").asBoolean()).as(s.toString()).isFalse());
    }

    @Test
    @Order(5)
    void planOnProvisionedHostsReportsExactlyTheManualDrift() {
        String clean = Json.read(h.post("/api/sagas?mode=plan", labSource).body()).get("id").asString();
        JsonNode nothing = awaitFinal(clean, Duration.ofMinutes(3));
        assertThat(nothing.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(nothing.get("steps")).allSatisfy(st -> assertThat(st.get("changed").asBoolean()).as(st.toString()).isFalse());

        on("node2", "sh", "-c", "echo '{\"experimental\": true}' > /etc/docker/daemon.json");
        on("node3", "firewall-cmd", "--permanent", "--zone", "public", "--remove-port", "2377/tcp");
        on("node3", "firewall-cmd", "--zone", "public", "--remove-port", "2377/tcp");

        String plan = Json.read(h.post("/api/sagas?mode=plan", labSource).body()).get("id").asString();
        JsonNode planned = awaitFinal(plan, Duration.ofMinutes(3));

        assertThat(planned.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(planned.get("steps")).filteredOn(s -> s.get("changed").asBoolean()).extracting(s -> s.get("id").asString())
                .containsExactlyInAnyOrder("docker-daemon@node2", "firewall@node3");
        assertThat(stepDiff(planned, "firewall@node3")).contains("2377/tcp").doesNotContain("7946");
        assertThat(stepDiff(planned, "docker-daemon@node2")).contains("metrics-addr");
        // a plan changes nothing
        assertThat(on("node3", "firewall-cmd", "--zone", "public", "--list-ports")).doesNotContain("2377/tcp");

        String fix = Json.read(h.post("/api/sagas", labSource).body()).get("id").asString();
        assertThat(awaitFinal(fix, Duration.ofMinutes(3)).get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(on("node3", "firewall-cmd", "--zone", "public", "--list-ports")).contains("2377/tcp");
    }

    static String stepDiff(JsonNode saga, String step) {
        for (JsonNode s : saga.get("steps")) {
            if (s.get("id").asString().equals(step)) {
                return s.get("diff").asString();
            }
        }
        throw new AssertionError("no step " + step);
    }

    @Test
    @Order(6)
    void aHostStoppedMidSagaComesBackAndTheSagaFinishes() {
        on("node3", "sh", "-c", "echo '{\"log-level\": \"warn\"}' > /etc/docker/daemon.json");
        Cmd.require(List.of("docker", "stop", local.container(lab.host("node3").orElseThrow())), 120);
        String saga = Json.read(h.post("/api/sagas", labSource).body()).get("id").asString();
        // node3 is down while the saga sends it commands: one of them is in flight and unanswered
        await("a command for node3 in flight").atMost(Duration.ofSeconds(60)).until(() -> Json.read(h.get("/api/sagas/" + saga).body())
                .get("steps").valueStream().anyMatch(st -> st.get("target").asString().equals("node3")
                        && st.get("state").asString().equals("DISPATCHED")));
        Cmd.require(List.of("docker", "start", local.container(lab.host("node3").orElseThrow())), 120);

        JsonNode done = awaitFinal(saga, Duration.ofMinutes(5));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        JsonNode daemon = Json.read(on("node3", "cat", "/etc/docker/daemon.json"));
        assertThat(daemon.get("metrics-addr").asString()).isEqualTo("0.0.0.0:9323");
        assertThat(daemon.get("log-level").asString()).isEqualTo("warn");
    }

    /** GET https://node1:2376/version from this machine, with or without a client certificate of the lab's CA. */
    String engineApi(boolean withClientCert) {
        try {
            LabCa ca = LabCa.forLab(h.stateDir, lab.name());
            KeyPair key = Pki.newKey();
            var cert = Pki.sign(Pki.csr(key, "labforge-test"), ca.certificate(),
                    ca.key().getPrivate(), "labforge-test", List.of(), List.of(), Pki.Usage.CLIENT,
                    Duration.ofDays(1));
            Path d = Files.createTempDirectory(home, "client");
            Files.writeString(d.resolve("ca.pem"), Pki.pem(ca.certificate()));
            Files.writeString(d.resolve("cert.pem"), Pki.pem(cert));
            Files.writeString(d.resolve("key.pem"), Pki.pem(key.getPrivate()));
            List<String> argv = new ArrayList<>(List.of("curl", "-s", "--max-time", "10", "--cacert",
                    d.resolve("ca.pem").toString()));
            if (withClientCert) {
                argv.addAll(List.of("--cert", d.resolve("cert.pem").toString(), "--key", d.resolve("key.pem").toString()));
            }
            argv.add("https://10.77.0.11:2376/version");
            return Cmd.run(argv, 30).out();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode stepOutputs(JsonNode saga, String step) {
        for (JsonNode s : saga.get("steps")) {
            if (s.get("id").asString().equals(step)) {
                return s.get("outputs");
            }
        }
        throw new AssertionError("no step " + step);
    }

    @Test
    @Order(7)
    void whereFirewalldDoesNotRunTheFirewallIsNftablesInTheRealKernel() {
        on("node3", "systemctl", "disable", "--now", "firewalld");
        // ask for a port not opened before, so the firewall step has work to do
        String moreOpen = labSource.replace("ports: [2377/tcp, 7946/tcp, 7946/udp, 4789/udp, 9323/tcp]",
                "ports: [2377/tcp, 7946/tcp, 7946/udp, 4789/udp, 9323/tcp, 8082/tcp]");
        String saga = Json.read(h.post("/api/sagas", moreOpen).body()).get("id").asString();
        JsonNode done = awaitFinal(saga, Duration.ofMinutes(3));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");

        JsonNode fw = stepOutputs(done, "firewall@node3");
        assertThat(fw.get("backend").asString()).isEqualTo("nftables");
        assertThat(on("node3", "nft", "list", "table", "inet", "labforge")).contains("policy drop", "tcp dport 8082 accept");
        local.exec("node3", "sh", "-c", "nohup nc -lk -p 8082 >/dev/null 2>&1 &");
        local.exec("node3", "sh", "-c", "nohup nc -lk -p 8083 >/dev/null 2>&1 &");
        await().atMost(Duration.ofSeconds(10)).until(() -> local.exec("node2", "nc", "-z", "-w", "2", "node3.lab.test", "8082").ok());
        assertThat(local.exec("node2", "nc", "-z", "-w", "2", "node3.lab.test", "8083").ok()).as("8083 is not opened").isFalse();
        // ssh is never cut off
        assertThat(local.exec("node2", "nc", "-z", "-w", "2", "node3.lab.test", "22").ok()).isTrue();
    }

    @Test
    @Order(8)
    void aPasswordGivenOnceWorksAsWellAsAKey() {
        // a host that takes passwords (for this test only: the lab-host image refuses them)
        on("node2", "sh", "-c", "echo 'root:lab-Pa55word' | chpasswd && "
                + "sed -i 's/^PasswordAuthentication no/PasswordAuthentication yes/; s/^PermitRootLogin .*/PermitRootLogin yes/' "
                + "/etc/ssh/sshd_config && systemctl restart ssh");
        HostBootstrap withPassword = new HostBootstrap(Path.of("..", "agent", "target", "labforge-agent-exec.jar"),
                home.resolve("known_hosts"), new HostBootstrap.Login("root", null, "lab-Pa55word".toCharArray()),
                services.kafkaBootstrapServers(), h.publicKey, h.sealingKey, h::register);

        HostBootstrap.Outcome o = withPassword.all(List.<String[]>of(new String[] {"node2", "10.77.0.12"})).get(0);

        assertThat(o.ok()).as(o.detail()).isTrue();
        assertThat(o.changed()).isFalse();
        HostBootstrap.Outcome wrong = new HostBootstrap(Path.of("..", "agent", "target", "labforge-agent-exec.jar"),
                home.resolve("known_hosts"), new HostBootstrap.Login("root", null, "wrong".toCharArray()),
                services.kafkaBootstrapServers(), h.publicKey, h.sealingKey, h::register).all(List.<String[]>of(new String[] {"node2", "10.77.0.12"})).get(0);
        assertThat(wrong.ok()).isFalse();
        assertThat(wrong.detail()).containsIgnoringCase("auth");
    }

    @Test
    @Order(9)
    void dockerIsInstalledFromTheDistributionWhereItIsMissing() {
        // node1: node3's firewalld was stopped above, which flushed Docker's embedded-DNS rules there
        on("node1", "sh", "-c", "DEBIAN_FRONTEND=noninteractive apt-get remove -y -q docker.io >/dev/null");
        assertThat(local.exec("node1", "test", "-x", "/usr/sbin/dockerd").ok()).isFalse();

        String saga = Json.read(h.post("/api/sagas", labSource).body()).get("id").asString();
        JsonNode done = awaitFinal(saga, Duration.ofMinutes(10));

        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(stepOutputs(done, "docker-install@node1").get("installed").asBoolean()).isTrue();
        assertThat(on("node1", "docker", "info", "--format", "{{.ServerVersion}}")).isNotBlank();
        assertThat(on("node1", "systemctl", "is-active", "docker")).isEqualTo("active");
    }

    @Test
    @Order(10)
    void kernelParametersAreSetNowAndAtBootThenUndoneToWhatWasFound() {
        String before = on("node2", "cat", "/proc/sys/net/ipv4/tcp_keepalive_time");
        String withSysctl = labSource.replace("  - name: node2\n    address: 10.77.0.12\n",
                "  - name: node2\n    address: 10.77.0.12\n    sysctl: {net.ipv4.tcp_keepalive_time: 600, net.core.somaxconn: 1024}\n");
        assertThat(withSysctl).contains("sysctl:");
        String saga = Json.read(h.post("/api/sagas", withSysctl).body()).get("id").asString();
        JsonNode done = awaitFinal(saga, Duration.ofMinutes(3));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");

        // the running kernel and the file read at boot, as sysctl itself reports them
        assertThat(on("node2", "sysctl", "-n", "net.ipv4.tcp_keepalive_time")).isEqualTo("600");
        assertThat(on("node2", "sysctl", "-n", "net.core.somaxconn")).isEqualTo("1024");
        assertThat(on("node2", "cat", "/etc/sysctl.d/90-labforge.conf")).contains("net.ipv4.tcp_keepalive_time = 600");
        assertThat(on("node2", "sysctl", "--system")).contains("net.ipv4.tcp_keepalive_time = 600");

        assertThat(h.post("/api/sagas/" + saga + "/compensate", "").statusCode()).isEqualTo(200);
        JsonNode undone = awaitFinal(saga, Duration.ofMinutes(3));
        assertThat(undone.get("status").asString()).as(undone.toString()).isEqualTo("COMPENSATED");
        assertThat(on("node2", "cat", "/proc/sys/net/ipv4/tcp_keepalive_time")).isEqualTo(before);
        assertThat(local.exec("node2", "test", "-e", "/etc/sysctl.d/90-labforge.conf").ok()).as("the file is gone").isFalse();
    }

    @Test
    @Order(10)
    void afterItsFirstRunTheAgentMapsItsClassesFromItsOwnClassDataArchive() {
        // bootstrap started the agent without an archive: that run records one as it stops, and the next start maps it
        on("node2", "systemctl", "restart", "labforge-agent.service");
        String mapped = await("node2's agent maps its class-data archive").atMost(Duration.ofSeconds(60)).until(() -> {
            String pid = on("node2", "systemctl", "show", "-p", "MainPID", "--value", "labforge-agent.service").strip();
            return pid.equals("0") ? "" : local.exec("node2", "grep", "-o", "/var/lib/labforge-agent/agent-[^ ]*[.]jsa", "/proc/" + pid + "/maps")
                    .out().strip();
        }, m -> !m.isEmpty());
        String archive = mapped.lines().findFirst().orElseThrow();
        // named after the jar it was made for: another jar makes its own, and this one is the only one kept
        assertThat(archive).contains(on("node2", "stat", "-L", "-c", "%s.%Y", "/opt/labforge/labforge-agent.jar"));
        assertThat(on("node2", "sh", "-c", "ls /var/lib/labforge-agent/*.jsa").lines()).containsExactly(archive);
    }

    @Test
    @Order(11)
    void aRollingUpgradeKeepsKeysAndJournalAndStopsAtTheFirstHostThatFails(@TempDir Path tmp) throws Exception {
        Path current = Path.of("..", "agent", "target", "labforge-agent-exec.jar");
        String from = HostBootstrap.jarVersion(current);
        String oldSum = HostBootstrap.sha256(current);
        Map<String, String> keys = new HashMap<>();
        Map<String, String> journals = new HashMap<>();
        for (String[] x : hosts()) {
            keys.put(x[0], keys(x[0]));
            journals.put(x[0], on(x[0], "cat", "/var/lib/labforge-agent/journal.jsonl"));
        }
        String history = sagaHistory();

        // a build whose agent cannot start (no Kafka consumer in it): the first host takes it, its agent never announces
        // itself, it is rolled back; the rollout stops there and the other hosts are not touched
        Path broken = AgentJars.rebuilt(current, tmp.resolve("broken.jar"), from + ".broken",
                "org/apache/kafka/clients/consumer/KafkaConsumer.class");
        List<HostBootstrap.Outcome> stopped = hosts.bootstrapper(broken).rolling(1, (host, v, since, within) -> announced(host, v, since, Duration.ofSeconds(10)))
                .all(hosts());
        assertThat(stopped).as(stopped.toString()).filteredOn(o -> o.detail().contains("rolled back")).singleElement().satisfies(o -> {
            assertThat(o.ok()).isFalse();
            assertThat(o.detail()).contains("did not announce itself as " + from + ".broken", "agent " + from + " runs again");
        });
        assertThat(stopped).as(stopped.toString()).filteredOn(o -> o.detail().startsWith("not upgraded: the rollout stopped when ")).hasSize(2)
                .allSatisfy(o -> assertThat(o.ok()).isFalse());
        for (String[] x : hosts()) {
            assertThat(jarSum(x[0])).as(x[0] + " runs the jar it ran").isEqualTo(oldSum);
            assertThat(local.exec(x[0], "test", "-e", "/opt/labforge/labforge-agent.jar.previous").ok()).isFalse();
        }
        String failed = stopped.stream().filter(o -> o.detail().contains("rolled back")).findFirst().orElseThrow().host();
        await("the rolled-back agent announces itself again").atMost(Duration.ofSeconds(60))
                .until(() -> announced(failed, from, Instant.now().minusSeconds(30), Duration.ZERO));

        // node1's agent is stopped and its place in the command stream set back to the start: the upgraded agent is
        // handed again every command it ran, and must answer each from its journal rather than run it twice
        on("node1", "systemctl", "stop", "labforge-agent.service");
        rewindCommands("node1");
        Instant upgradeStarted = Instant.now();

        // the real upgrade, one host at a time: while a host's new agent is awaited, every other host runs either the
        // old jar or the new one whose agent has already announced itself
        Path upgraded = AgentJars.rebuilt(current, tmp.resolve("labforge-agent-exec.jar"), from + ".upgrade-test");
        String to = from + ".upgrade-test";
        String newSum = HostBootstrap.sha256(upgraded);
        List<String> overlaps = java.util.Collections.synchronizedList(new ArrayList<>());
        List<HostBootstrap.Outcome> out = hosts.bootstrapper(upgraded).rolling(1, (host, v, since, within) -> {
            for (String[] other : hosts()) {
                String version = h.jdbc().queryForObject("SELECT agent_version FROM host WHERE lab_host = ?", String.class, other[0]);
                if (!other[0].equals(host) && jarSum(other[0]).equals(newSum) && !to.equals(version)) {
                    overlaps.add(host + "'s new agent was awaited while " + other[0] + " had the new jar and no announcement of it");
                }
            }
            return announced(host, v, since, within);
        }).all(hosts());

        assertThat(out).allSatisfy(o -> {
            assertThat(o.ok()).as(o.detail()).isTrue();
            assertThat(o.detail()).as(o.host()).contains("agent upgraded from " + from + " to " + to + " (keys and journal kept)");
            assertThat(o.upgraded()).as(o.host() + " counted as upgraded").isTrue();
        });
        assertThat(overlaps).isEmpty();
        for (String[] x : hosts()) {
            String host = x[0];
            assertThat(keys(host)).as(host + "'s keys").isEqualTo(keys.get(host));
            assertThat(h.jdbc().queryForObject("SELECT fingerprint FROM worker_identity WHERE worker = ?", String.class, host))
                    .isEqualTo(WorkerIdentity.parse(on(host, "cat", "/var/lib/labforge-agent/identity.json")).fingerprint());
            assertThat(Json.read(h.get("/api/hosts?name=" + host).body()).get(0).get("agentVersion").asString()).isEqualTo(to);
            assertThat(h.jdbc().queryForObject("SELECT count(*) FROM audit_log WHERE action = 'agent.upgraded' AND target = ? "
                    + "AND detail ->> 'from' = ? AND detail ->> 'to' = ?", Integer.class, host, from, to)).as(host + "'s upgrade audited").isEqualTo(1);
            assertThat(local.exec(host, "test", "-e", "/opt/labforge/labforge-agent.jar.previous").ok()).isFalse();
        }
        // every command node1 ever ran is answered again from its journal, none is run again
        List<String> ran = journals.get("node1").lines().filter(l -> l.startsWith("{")).map(l -> Json.read(l).get("key").asString()).toList();
        assertThat(ran).isNotEmpty();
        await("node1's upgraded agent answers its redelivered commands from the journal").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            String log = on("node1", "journalctl", "-u", "labforge-agent.service", "--since", "@" + upgradeStarted.getEpochSecond(), "--no-pager", "-o", "cat");
            assertThat(ran).allSatisfy(key -> assertThat(log).contains("command " + key + " for step"));
        });
        for (String[] x : hosts()) {
            assertThat(on(x[0], "cat", "/var/lib/labforge-agent/journal.jsonl")).as(x[0] + "'s journal").isEqualTo(journals.get(x[0]));
        }
        assertThat(sagaHistory()).as("the sagas and their steps as they were").isEqualTo(history);
    }

    /** The host's private keys, as checksums. */
    String keys(String host) {
        return on(host, "sha256sum", "/var/lib/labforge-agent/identity.key", "/var/lib/labforge-agent/sealing.key",
                "/var/lib/labforge-agent/bus.key");
    }

    String jarSum(String host) {
        return on(host, "sha256sum", "/opt/labforge/labforge-agent.jar").split("\\s+")[0];
    }

    boolean announced(String host, String version, Instant since, Duration within) throws InterruptedException {
        long deadline = System.currentTimeMillis() + within.toMillis();
        do {
            if (h.jdbc().queryForObject("SELECT count(*) FROM host WHERE lab_host = ? AND agent_version = ? AND announced_at >= ?", Integer.class,
                    host, version, java.sql.Timestamp.from(since.minusSeconds(1))) == 1) {
                return true;
            }
            Thread.sleep(200);
        } while (System.currentTimeMillis() < deadline);
        return false;
    }

    String sagaHistory() {
        return String.join("\n", h.jdbc().queryForList("SELECT s.id || ' ' || s.status || ' ' || st.id || ' ' || st.state || ' ' || st.attempt "
                + "FROM saga s JOIN step st ON st.saga_id = s.id ORDER BY s.id, st.ord", String.class));
    }

    /** Sets the agent's committed offset on its command partition back to the start (its agent must be stopped). */
    void rewindCommands(String host) throws Exception {
        try (Admin admin = Admin.create(h.orchestratorBus().admin())) {
            int partitions = admin.describeTopics(List.of(Topics.AGENT_COMMANDS)).allTopicNames().get().get(Topics.AGENT_COMMANDS)
                    .partitions().size();
            TopicPartition p = new TopicPartition(Topics.AGENT_COMMANDS, Topics.partitionFor(host, partitions));
            admin.alterConsumerGroupOffsets("labforge-agent-" + host, Map.of(p, new OffsetAndMetadata(0))).all().get();
        }
    }

    @Test
    @Order(12)
    void uninstallLeavesNothingOfLabforgeOnTheHostAndTheOrchestratorForgetsIt() {
        List<HostBootstrap.Target> node3 = List.of(new HostBootstrap.Target("node3", "10.77.0.13", 22));
        List<HostBootstrap.Outcome> out = uninstall().all(node3, h::removeWorker);
        assertThat(out).singleElement().satisfies(o -> {
            assertThat(o.ok()).as(o.detail()).isTrue();
            assertThat(o.detail()).contains("removed: unit, agent, configuration, keys and journal", "identity removed");
        });
        for (String path : List.of("/etc/systemd/system/labforge-agent.service", "/opt/labforge", "/etc/labforge", "/var/lib/labforge-agent",
                "/var/lib/labforge")) {
            assertThat(local.exec("node3", "test", "-e", path).ok()).as(path + " is gone").isFalse();
        }
        assertThat(local.exec("node3", "systemctl", "cat", "labforge-agent.service").ok()).as("systemd knows no such unit").isFalse();
        assertThat(local.exec("node3", "pgrep", "-f", "labforge-agent").ok()).as("no agent process").isFalse();

        // the orchestrator forgot it: no identity (its events would be refused), never seen, audited with what was removed
        assertThat(h.jdbc().queryForObject("SELECT count(*) FROM worker_identity WHERE worker = 'node3'", Integer.class)).isZero();
        assertThat(Json.read(h.get("/api/hosts?name=node3").body()).get(0).get("state").asString()).isEqualTo("never seen");
        assertThat(h.jdbc().queryForObject("SELECT detail ->> 'removedFromHost' FROM audit_log WHERE action = 'identity.removed' AND target = 'node3'",
                String.class)).contains("keys and journal");
        // a lab naming it waits for it to be bootstrapped again
        HttpResponse<String> refused = h.post("/api/sagas", labSource);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(refused.body()).contains("node3");

        // again: nothing to remove, and that is said
        assertThat(uninstall().all(node3, h::removeWorker)).singleElement().satisfies(o -> {
            assertThat(o.ok()).as(o.detail()).isTrue();
            assertThat(o.detail()).startsWith("nothing of Labforge was there");
        });
    }
}
