package io.labforge.agent.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.agent.executor.docker.DockerDaemonExecutor;
import io.labforge.agent.executor.docker.DockerInstallExecutor;
import io.labforge.agent.executor.docker.RestoreDockerDaemonExecutor;
import io.labforge.agent.executor.firewall.CloseFirewallPortsExecutor;
import io.labforge.agent.executor.firewall.FirewallExecutor;
import io.labforge.agent.executor.host.HostnameExecutor;
import io.labforge.agent.executor.host.HostsFileExecutor;
import io.labforge.agent.executor.host.RestoreHostnameExecutor;
import io.labforge.agent.executor.host.RestoreHostsEntriesExecutor;
import io.labforge.agent.executor.registry.RegistryTrustExecutor;
import io.labforge.agent.executor.registry.RestoreRegistryTrustExecutor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.HostRoot;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.docker.ConfigureDockerDaemon;
import io.labforge.common.lab.docker.EnsureDockerInstalled;
import io.labforge.common.lab.docker.RestoreDockerDaemon;
import io.labforge.common.lab.firewall.CloseFirewallPorts;
import io.labforge.common.lab.firewall.FirewallService;
import io.labforge.common.lab.firewall.FirewallZone;
import io.labforge.common.lab.firewall.OpenFirewallPorts;
import io.labforge.common.lab.host.EnsureHostsEntries;
import io.labforge.common.lab.host.HostsEntry;
import io.labforge.common.lab.host.RestoreHostname;
import io.labforge.common.lab.host.RestoreHostsEntries;
import io.labforge.common.lab.host.SetHostname;
import io.labforge.common.lab.registry.RegistryCa;
import io.labforge.common.lab.registry.RestoreRegistryTrust;
import io.labforge.common.lab.registry.TrustRegistries;
import io.labforge.common.messaging.Json;
import io.labforge.common.net.PortRange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/** The executors against a host root in a temporary directory: real files, nothing run on this machine. */
class HostExecutorsTest {
    @TempDir
    Path dir;
    StepContext ctx;
    final List<String> progress = new ArrayList<>();

    @BeforeEach
    void root() throws IOException {
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/hostname"), "debian\n");
        Files.writeString(dir.resolve("etc/hosts"), "127.0.0.1 localhost\n::1 localhost ip6-localhost\n");
        ctx = new StepContext(new HostRoot(dir), new ProcessRunner(), 1, progress::add);
    }

    String file(String p) throws IOException {
        return Files.readString(dir.resolve(p));
    }

    @Nested
    class Hostname {
        @Test
        void setsOnceThenReportsNoChangeAndRestores() throws IOException {
            HostnameExecutor ex = new HostnameExecutor();
            SetHostname cmd = new SetHostname("node1", "lab.test");

            assertThat(ex.check(cmd, ctx).changed()).isTrue();
            assertThat(file("etc/hostname")).isEqualTo("debian\n");
            Outcome first = ex.apply(cmd, ctx);
            assertThat(first.diff()).contains("- hostname debian").contains("+ hostname node1");
            assertThat(first.outputs().get("fqdn").asString()).isEqualTo("node1.lab.test");
            assertThat(first.outputs().get("previousHostname").asString()).isEqualTo("debian");
            assertThat(file("etc/hostname")).isEqualTo("node1\n");
            assertThat(ex.apply(cmd, ctx).changed()).isFalse();

            new RestoreHostnameExecutor().apply(new RestoreHostname("debian"), ctx);
            assertThat(file("etc/hostname")).isEqualTo("debian\n");
        }

        @Test
        void refusesANameThatIsNotAHostname() {
            assertThatThrownBy(() -> new HostnameExecutor().apply(new SetHostname("bad name\n10.0.0.1 evil", null), ctx))
                    .isInstanceOf(ExecutorException.class).hasMessageContaining("not a valid host name");
        }
    }

    @Nested
    class HostsFile {
        final EnsureHostsEntries cmd = new EnsureHostsEntries(List.of(
                new HostsEntry("10.77.0.11", List.of("node1.lab.test", "node1")),
                new HostsEntry("10.77.0.12", List.of("node2.lab.test", "node2"))));

        @Test
        void addsAManagedBlockKeepsTheRestAndIsIdempotent() throws IOException {
            HostsFileExecutor ex = new HostsFileExecutor();
            Outcome first = ex.apply(cmd, ctx);

            assertThat(first.changed()).isTrue();
            assertThat(first.diff()).contains("+ 10.77.0.12 node2.lab.test node2");
            assertThat(file("etc/hosts")).startsWith("127.0.0.1 localhost\n::1 localhost ip6-localhost\n# BEGIN labforge")
                    .contains("10.77.0.11 node1.lab.test node1\n").endsWith("# END labforge\n");
            String after = file("etc/hosts");
            assertThat(ex.apply(cmd, ctx).changed()).isFalse();
            assertThat(file("etc/hosts")).isEqualTo(after);
        }

        @Test
        void compensationPutsTheFileBackAsItWas() throws IOException {
            String before = file("etc/hosts");
            Outcome o = new HostsFileExecutor().apply(cmd, ctx);
            new RestoreHostsEntriesExecutor().apply(
                    new RestoreHostsEntries(o.outputs().get("previousBlock").asString()), ctx);
            assertThat(file("etc/hosts")).isEqualTo(before);
        }

        @Test
        void refusesNamesThatWouldInjectLines() {
            EnsureHostsEntries evil = new EnsureHostsEntries(List.of(new HostsEntry("10.0.0.1", List.of("a\n6.6.6.6 bank"))));
            assertThatThrownBy(() -> new HostsFileExecutor().apply(evil, ctx)).isInstanceOf(ExecutorException.class);
        }
    }

    @Nested
    class DockerDaemon {
        Map<String, JsonNode> settings() {
            Map<String, JsonNode> s = new LinkedHashMap<>();
            s.put("data-root", Json.tree("/data/docker"));
            s.put("metrics-addr", Json.tree("0.0.0.0:9323"));
            s.put("experimental", Json.tree(true));
            return s;
        }

        @Test
        void mergesKeepsOtherKeysAndRestartsOnlyOnChange() throws IOException {
            Files.createDirectories(dir.resolve("etc/docker"));
            Files.writeString(dir.resolve("etc/docker/daemon.json"), "{\"log-driver\": \"journald\"}\n");
            DockerDaemonExecutor ex = new DockerDaemonExecutor();

            Outcome first = ex.apply(new ConfigureDockerDaemon(settings()), ctx);
            JsonNode written = Json.read(file("etc/docker/daemon.json"));
            assertThat(written.get("log-driver").asString()).isEqualTo("journald");
            assertThat(written.get("data-root").asString()).isEqualTo("/data/docker");
            assertThat(written.get("experimental").asBoolean()).isTrue();
            assertThat(first.diff()).contains("+ \"metrics-addr\": \"0.0.0.0:9323\"").contains("restart of docker skipped");
            assertThat(first.outputs().get("restarted").asBoolean()).isTrue();

            Outcome second = ex.apply(new ConfigureDockerDaemon(settings()), ctx);
            assertThat(second.changed()).isFalse();
            assertThat(second.outputs().get("restarted").asBoolean()).isFalse();

            new RestoreDockerDaemonExecutor().apply(new RestoreDockerDaemon(first.outputs().get("previousContent").asString(),
                    true), ctx);
            assertThat(file("etc/docker/daemon.json")).isEqualTo("{\"log-driver\": \"journald\"}\n");
        }

        @Test
        void refusesABrokenFileAndUnmanagedKeys() throws IOException {
            Files.createDirectories(dir.resolve("etc/docker"));
            Files.writeString(dir.resolve("etc/docker/daemon.json"), "{not json");
            assertThatThrownBy(() -> new DockerDaemonExecutor().apply(new ConfigureDockerDaemon(settings()), ctx))
                    .hasMessageContaining("not a JSON object");
            assertThatThrownBy(() -> new DockerDaemonExecutor().check(
                    new ConfigureDockerDaemon(Map.of("authorization-plugins", Json.tree("x"))), ctx))
                    .hasMessageContaining("not one Labforge manages");
        }
    }

    @Nested
    class DockerInstall {
        @Test
        void nothingToDoWhereDockerIsInstalled() throws IOException {
            Files.createDirectories(dir.resolve("usr/bin"));
            Files.createFile(dir.resolve("usr/bin/dockerd"));
            Outcome o = new DockerInstallExecutor().apply(
                    new EnsureDockerInstalled(), ctx);
            assertThat(o.changed()).isFalse();
        }

        @Test
        void aHostWithoutDockerWouldGetIt() {
            Outcome o = new DockerInstallExecutor().check(
                    new EnsureDockerInstalled(), ctx);
            assertThat(o.changed()).isTrue();
            assertThat(o.diff()).contains("docker.io");
        }
    }

    @Nested
    class RegistryTrust {
        static final String CA = """
                -----BEGIN CERTIFICATE-----
                MIIBmTCCAT+gAwIBAgIUeFnffhst1t4+gOV37FtiEG75KUswCgYIKoZIzj0EAwIw
                IjEgMB4GA1UEAwwXTGFiZm9yZ2UgZXhhbXBsZSBsYWIgQ0EwHhcNMjYxMTI1MTcw
                MDI2WhcNMzYxMTIyMTcwMDI2WjAiMSAwHgYDVQQDDBdMYWJmb3JnZSBleGFtcGxl
                IGxhYiBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABFjcguzVPyV5J7SV7aJm
                CVvCZzzY3CZC3Kfx0w52B41ng8eljcBmcckjznzOG0T2/8wFi8Bg9ilRdImOmDKo
                mwOjUzBRMB0GA1UdDgQWBBQ06iDe2kZ8CkIRAS3Ub7I/LP0Q+zAfBgNVHSMEGDAW
                gBQ06iDe2kZ8CkIRAS3Ub7I/LP0Q+zAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49
                BAMCA0gAMEUCIFIhb/8wIeEDN38sV7cFMKNHSXWLgIo1ZoJbHIY+PfHfAiEAljfJ
                JKOCOP8xg1pd15c/nHpnOtFBBgIqdjkulSgTTD0=
                -----END CERTIFICATE-----
                """;
        final TrustRegistries trust = new TrustRegistries(
                List.of(new RegistryCa("node1.lab.test:5000", CA)));

        @Test
        void placesTheCaWhereDockerLooksIsIdempotentAndUndoes() throws IOException {
            var ex = new RegistryTrustExecutor();
            Outcome first = ex.apply(trust, ctx);

            assertThat(first.changed()).isTrue();
            assertThat(file("etc/docker/certs.d/node1.lab.test:5000/ca.crt")).isEqualTo(CA.strip() + "\n");
            assertThat(ex.apply(trust, ctx).changed()).isFalse();

            var previous = Json.MAPPER.convertValue(first.outputs().get("previous"),
                    new TypeReference<List<RegistryCa>>() { });
            new RestoreRegistryTrustExecutor().apply(
                    new RestoreRegistryTrust(previous), ctx);
            assertThat(dir.resolve("etc/docker/certs.d/node1.lab.test:5000")).doesNotExist();
        }

        @Test
        void refusesAPathOutsideCertsDAndSomethingThatIsNotACertificate() {
            var ex = new RegistryTrustExecutor();
            assertThatThrownBy(() -> ex.apply(new TrustRegistries(List.of(
                    new RegistryCa("../../etc/cron.d", CA))), ctx))
                    .isInstanceOf(ExecutorException.class);
            assertThatThrownBy(() -> ex.apply(new TrustRegistries(List.of(
                    new RegistryCa("r:5000", "-----BEGIN CERTIFICATE-----\nnope\n"))), ctx))
                    .hasMessageContaining("not a PEM X.509 certificate");
            assertThat(dir.resolve("etc/docker/certs.d")).doesNotExist();
        }
    }

    @Nested
    class Firewall {
        final OpenFirewallPorts swarm = open(List.of("2377/tcp", "7946/tcp", "7946/udp", "4789/udp", "9323/tcp"), List.of("ssh"));

        static OpenFirewallPorts open(List<String> ports, List<String> services) {
            return new OpenFirewallPorts(FirewallZone.PUBLIC, ports.stream().map(PortRange::parse).toList(),
                    services.stream().map(FirewallService::of).toList());
        }

        @Test
        void nftablesWhereFirewalldDoesNotRun() throws IOException {
            Outcome first = new FirewallExecutor().apply(swarm, ctx);

            assertThat(first.outputs().get("backend").asString()).isEqualTo("nftables");
            assertThat(first.outputs().get("addedPorts")).hasSize(5);
            String ruleset = file("etc/nftables.d/labforge.nft");
            assertThat(ruleset).contains("policy drop;").contains("tcp dport 2377 accept").contains("udp dport 4789 accept")
                    .contains("tcp dport 22 accept");
            // the lab's "ssh" service is the rule that always keeps SSH open: one rule, listed once (and once in the report)
            assertThat(ruleset.lines().filter(l -> l.contains("tcp dport 22 "))).hasSize(1);
            assertThat(file("etc/nftables.conf")).contains("include \"/etc/nftables.d/labforge.nft\"");
            assertThat(first.outputs().get("rules").asString()).isEqualTo(ruleset.strip());
            assertThat(new FirewallExecutor().apply(swarm, ctx).changed()).isFalse();
        }

        @Test
        void theRenderedRulesetIsValidForNft() throws IOException {
            new FirewallExecutor().apply(swarm, ctx);
            Assumptions.assumeTrue(ProcessRunner.onPath("nft"), "nft is not installed: ruleset syntax not checked by nft");
            ProcessRunner.Result r = new ProcessRunner().run(
                    List.of("nft", "-c", "-f", dir.resolve("etc/nftables.d/labforge.nft").toString()), Duration.ofSeconds(20), null);
            Assumptions.assumeFalse(r.output().contains("Operation not permitted"), "nft -c needs CAP_NET_ADMIN here");
            assertThat(r.ok()).as(r.output()).isTrue();
        }

        @Test
        void compensationClosesOnlyWhatTheStepOpened() throws IOException {
            FirewallExecutor ex = new FirewallExecutor();
            ex.apply(open(List.of("9323/tcp"), List.of()), ctx); // open before the saga
            Outcome step = ex.apply(swarm, ctx);
            assertThat(step.outputs().get("addedPorts")).extracting(JsonNode::asString).doesNotContain("9323/tcp");

            List<PortRange> added = new ArrayList<>();
            step.outputs().get("addedPorts").forEach(n -> added.add(PortRange.parse(n.asString())));
            new CloseFirewallPortsExecutor().apply(new CloseFirewallPorts(FirewallZone.PUBLIC, added, List.of(FirewallService.of("ssh"))), ctx);

            String ruleset = file("etc/nftables.d/labforge.nft");
            assertThat(ruleset).contains("tcp dport 9323 accept").doesNotContain("2377");
        }

        @Test
        void aCommandWithABadPortOrZoneDoesNotDecodeSoNothingRuns() {
            // the values validate themselves when the command is decoded: no executor ever sees them
            for (String bad : List.of("{\"zone\":\"public\",\"ports\":[\"99999/tcp\"],\"services\":[]}",
                    "{\"zone\":\"pub lic\",\"ports\":[\"22/tcp\"],\"services\":[]}",
                    "{\"zone\":\"public\",\"ports\":[],\"services\":[\"ssh\\nx\"]}")) {
                assertThatThrownBy(() -> Json.convert(Json.read(bad), OpenFirewallPorts.class)).as(bad).isInstanceOf(RuntimeException.class);
            }
            assertThat(dir.resolve("etc/nftables.d")).doesNotExist();
        }
    }
}
