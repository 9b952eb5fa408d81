package io.labforge.common.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.features.Features;
import io.labforge.common.lab.disk.DiskSpec;
import io.labforge.common.lab.disk.Size;
import io.labforge.common.lab.docker.DockerSpec;
import io.labforge.common.lab.firewall.FirewallSpec;
import io.labforge.common.lab.gitlab.GitlabSpec;
import io.labforge.common.lab.kubernetes.KubernetesSpec;
import io.labforge.common.lab.swarm.SwarmService;
import io.labforge.common.lab.swarm.SwarmSpec;
import io.labforge.common.lab.sysctl.SysctlSpec;
import io.labforge.common.net.PortRange;
import io.labforge.common.tls.Pki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LabParserTest {
    static final LabParser PARSER = Features.PARSER;


    static String example(String name) throws IOException {
        return Files.readString(Path.of("..", "examples", name));
    }

    static List<LabError> errorsOf(String yaml) {
        LabParser.Result r = PARSER.read(yaml);
        assertThat(r.ok()).as("expected errors").isFalse();
        return r.errors();
    }

    @Nested
    class Examples {
        @Test
        void referenceLabParsesWithEveryPart() throws IOException {
            Lab lab = PARSER.parse(example("reference-lab.yaml"), "reference-lab.yaml");

            assertThat(lab.hostNames()).containsExactly("gitlab", "swarm1", "swarm2", "swarm3", "k8s1", "k8s2");
            assertThat(GitlabSpec.of(lab).registryPort()).isEqualTo(5050);
            assertThat(SwarmSpec.of(lab).workers()).containsExactly("swarm2", "swarm3");
            assertThat(KubernetesSpec.of(lab).controlPlane()).isEqualTo("k8s1");
            Lab.Host gitlab = lab.host("gitlab").orElseThrow();
            assertThat(DiskSpec.of(gitlab).get(0).volumes().get(0).size()).isEqualTo(Size.parse("15G"));
            assertThat(lab.fqdn(gitlab)).isEqualTo("gitlab.tp2.lab");
        }

        @Test
        void roleSettingsMergeWithHostSettings() throws IOException {
            Lab lab = PARSER.parse(example("reference-lab.yaml"), "reference-lab.yaml");
            Lab.Host swarm1 = lab.host("swarm1").orElseThrow();

            assertThat(DockerSpec.of(lab, swarm1).daemonJson())
                    .containsEntry("data-root", "/data/docker")
                    .containsEntry("metrics-addr", "0.0.0.0:9323")
                    .containsEntry("experimental", true)
                    .containsEntry("insecure-registries", List.of("gitlab.tp2.lab:5050"));
            assertThat(FirewallSpec.of(lab, swarm1).ports()).extracting(PortRange::toString)
                    .containsExactly("2377/tcp", "7946/tcp", "7946/udp", "4789/udp", "9323/tcp");
        }

        @Test
        void invalidExampleReportsEveryErrorWithLineAndFix() throws IOException {
            List<LabError> errors = errorsOf(example("invalid-lab.yaml"));

            assertThat(errors).extracting(LabError::path).containsExactlyInAnyOrder(
                    "hosts[0].address", "hosts[0].adress", "hosts[1].name", "hosts[1].roles[0]",
                    "hosts[1].firewall.ports[0]", "hosts[1].disks[0].volumes[0].size", "hosts[2].name",
                    "swarm.managers[0]");
            assertThat(errors).allSatisfy(e -> {
                assertThat(e.line()).isPositive();
                assertThat(e.fix()).isNotBlank();
            });
            LabError typo = errors.stream().filter(e -> e.path().equals("hosts[0].adress")).findFirst().orElseThrow();
            assertThat(typo.line()).isEqualTo(8);
            assertThat(typo.fix()).contains("did you mean 'address'");
        }
    }

    @Nested
    class Refusals {
        static final String HEAD = "apiVersion: labforge/v1\nkind: Lab\nname: t\n";

        @Test
        void duplicateHostNamesAndAddresses() {
            List<LabError> errors = errorsOf(HEAD + """
                    hosts:
                      - {name: a, address: 10.0.0.1}
                      - {name: a, address: 10.0.0.1}
                    """);
            assertThat(errors).extracting(LabError::message)
                    .anySatisfy(m -> assertThat(m).contains("already used by hosts[0]").contains("host name"))
                    .anySatisfy(m -> assertThat(m).contains("address 10.0.0.1 is already used"));
        }

        @Test
        void missingRequiredKeysAreNamed() {
            List<LabError> errors = errorsOf("kind: Lab\nhosts:\n  - name: a\n");
            assertThat(errors).extracting(LabError::path)
                    .contains("apiVersion", "name", "hosts[0].address");
        }

        @Test
        void volumesThatDoNotFitTheDisk() {
            List<LabError> errors = errorsOf(HEAD + """
                    hosts:
                      - name: a
                        address: 10.0.0.1
                        disks:
                          - device: /dev/vdb
                            size: 30G
                            volumeGroup: data
                            volumes:
                              - {name: one, size: 20G, filesystem: ext4, mount: /one}
                              - {name: two, size: 11G, filesystem: ext4, mount: /two}
                    """);
            assertThat(errors).singleElement().satisfies(e -> {
                assertThat(e.path()).isEqualTo("hosts[0].disks[0].volumes[1].size");
                assertThat(e.message()).contains("31G").contains("30G");
                assertThat(e.line()).isEqualTo(13);
            });
        }

        @Test
        void disksNamedBySerialOrSizeOnVmHosts() throws IOException {
            Lab lab = PARSER.parse(HEAD + """
                    hosts:
                      - name: a
                        kind: vm
                        address: 10.0.0.1
                        disks:
                          - {serial: lf-data0, volumeGroup: data, volumes: [{name: d, size: 15G, filesystem: xfs, mount: /d, allowShrink: true}]}
                          - {size: 10G, volumeGroup: logs, volumes: [{name: l, size: 100%FREE}]}
                    """, "t.yaml");
            Lab.Host a = lab.hosts().get(0);
            assertThat(a.kind()).isEqualTo(Lab.Kind.VM);
            assertThat(DiskSpec.of(a).get(0).serial()).isEqualTo("lf-data0");
            assertThat(DiskSpec.of(a).get(0).volumes().get(0).allowShrink()).isTrue();
            assertThat(DiskSpec.of(a).get(1).size()).isEqualTo(Size.parse("10G"));
            assertThat(DiskSpec.of(a).get(1).volumes().get(0).size().isPercent()).isTrue();
            Lab ref = PARSER.parse(example("reference-lab.yaml"), "reference-lab.yaml");
            assertThat(ref.hosts()).filteredOn(x -> !DiskSpec.of(x).isEmpty()).allSatisfy(x -> assertThat(x.kind()).isEqualTo(Lab.Kind.VM));
            assertThat(ref.hosts()).filteredOn(x -> DiskSpec.of(x).isEmpty()).allSatisfy(x -> assertThat(x.kind()).isEqualTo(Lab.Kind.CONTAINER));
        }

        @Test
        void unnamedDisksSharedGroupsAndDisksOnContainersAreErrors() {
            List<LabError> errors = errorsOf(HEAD + """
                    hosts:
                      - name: a
                        kind: container
                        address: 10.0.0.1
                        disks:
                          - {volumeGroup: data, volumes: []}
                          - {device: /dev/vdc, volumeGroup: data, volumes: []}
                      - name: b
                        kind: vmm
                        address: 10.0.0.2
                    """);
            assertThat(errors).extracting(LabError::path).containsExactlyInAnyOrder("hosts[0].disks[0]",
                    "hosts[0].disks[1].volumeGroup", "hosts[0].disks", "hosts[1].kind");
            assertThat(errors).filteredOn(e -> e.path().equals("hosts[0].disks")).singleElement()
                    .satisfies(e -> assertThat(e.fix()).contains("kind: vm"));
            assertThat(errors).filteredOn(e -> e.path().equals("hosts[0].disks[0]")).singleElement()
                    .satisfies(e -> assertThat(e.fix()).contains("device", "serial", "size"));
        }

        @Test
        void swarmServicesRegistryAndAvailability() throws IOException {
            Lab lab = PARSER.parse(example("swarm-lab.yaml") + """
                      services:
                        - {name: web, image: "r:5000/web:1", replicas: 3, constraints: [node.role == worker], ports: ["8080:80", "53:53/udp"],
                           labels: {tier: web}, publishMode: host, endpointMode: dnsrr}
                        - {name: plain, image: "r:5000/web:1"}
                      availability: {worker2: drain}
                    """, "swarm.yaml");
            assertThat(SwarmSpec.of(lab).registry()).isEqualTo(new SwarmSpec.Registry("manager1", 5000));
            assertThat(SwarmSpec.of(lab).services()).extracting(SwarmService::name).containsExactly("web", "plain");
            SwarmService web = SwarmSpec.of(lab).services().get(0);
            assertThat(web.ports()).containsExactly("8080:80", "53:53/udp");
            assertThat(web.labels()).containsEntry("tier", "web");
            assertThat(SwarmSpec.of(lab).services().get(1)).extracting(SwarmService::replicas, SwarmService::publishMode,
                    SwarmService::endpointMode).containsExactly(1, "ingress", "vip");
            assertThat(SwarmSpec.of(lab).availability()).containsEntry("worker2", "drain");
        }

        @Test
        void badServicesAndAvailabilityAreNamedWithTheFix() throws IOException {
            String withoutApi = example("swarm-lab.yaml").replace("      tls-port: 2376", "      experimental: true");
            List<LabError> errors = errorsOf(withoutApi + """
                      services:
                        - {name: web, image: x, ports: ["80"], publishMode: mesh}
                        - {name: web, image: y, endpointMode: rr, labels: {"$secret": x}}
                      availability: {worker9: drain, worker1: sleepy}
                    """);
            assertThat(errors).extracting(LabError::path).containsExactlyInAnyOrder("swarm.services[0].ports[0]",
                    "swarm.services[0].publishMode", "swarm.services[1].name", "swarm.services[1].endpointMode",
                    "swarm.availability.worker9", "swarm.availability.worker1", "swarm.services", "swarm.services[1].labels.$secret");
            assertThat(errors).filteredOn(e -> e.path().equals("swarm.services")).singleElement()
                    .satisfies(e -> assertThat(e.fix()).contains("docker.tls-port"));
        }

        @Test
        void stacksTakeTheirFilesFromWhatCameWithTheLab() throws IOException {
            String yaml = example("swarm-lab.yaml");
            Map<String, String> files = Map.of("tp1-app/docker-compose.yml", "services: {}",
                    "tp1-app/web/app.py", "print()", "other/x", "y");
            Lab lab = PARSER.read(yaml, files).lab();
            SwarmSpec.Stack tp1 = SwarmSpec.of(lab).stacks().get(0);
            assertThat(tp1.name()).isEqualTo("tp1");
            assertThat(tp1.compose()).isEqualTo("docker-compose.yml");
            assertThat(tp1.buildOn()).as("the first manager by default").isEqualTo("manager1");
            assertThat(tp1.files()).containsOnlyKeys("docker-compose.yml", "web/app.py");
            assertThat(tp1.env()).containsEntry("PUBLISH_MODE", "host");
            assertThat(SwarmSpec.of(lab).prometheus()).isEqualTo(new SwarmSpec.Prometheus("labforge/prometheus:bookworm", "manager1", 9090, "host"));
            assertThat(SwarmSpec.of(lab).defaultAddrPool()).containsExactly("10.200.0.0/16");
            // a stored lab is read again without its files (scale, status): nothing is asked of them
            assertThat(PARSER.read(yaml).ok()).isTrue();
            // submitted without them: the error says how to send them
            List<LabError> errors = PARSER.read(yaml, Map.of()).errors();
            assertThat(errors).singleElement().satisfies(e -> {
                assertThat(e.path()).isEqualTo("swarm.stacks[0].source");
                assertThat(e.message()).contains("tp1-app/docker-compose.yml did not come with the lab");
                assertThat(e.fix()).contains("labforge apply");
                assertThat(e.line()).isGreaterThan(40);
            });
        }

        @Test
        void badStacksPrometheusAndPoolsAreNamedWithTheFix() throws IOException {
            List<LabError> errors = errorsOf(HEAD + """
                    hosts:
                      - {name: m, address: 10.79.0.11, docker: {tls-port: 2376, metrics-addr: "0.0.0.0:9323"}}
                      - {name: w, address: 10.79.0.12}
                    swarm:
                      managers: [m]
                      workers: [w]
                      defaultAddrPool: [10.79.0.0/16, 10.300.0.0/16]
                      prometheus: {publishMode: mesh}
                      stacks:
                        - {name: tp1, source: ../secrets}
                        - {name: Bad, source: app, buildOn: nobody, env: {"1X": y}}
                    """);
            assertThat(errors).extracting(LabError::path).containsExactlyInAnyOrder("swarm.defaultAddrPool[0]", "swarm.defaultAddrPool[1]",
                    "swarm.stacks[0].source", "swarm.stacks[1].name", "swarm.stacks[1].buildOn", "swarm.stacks[1].env.1X",
                    "swarm.prometheus", "swarm.prometheus.publishMode");
            assertThat(errors).filteredOn(e -> e.path().equals("swarm.defaultAddrPool[0]")).singleElement()
                    .satisfies(e -> assertThat(e.message()).contains("m (10.79.0.11)", "w (10.79.0.12)"));
            assertThat(errors).filteredOn(e -> e.path().equals("swarm.prometheus")).singleElement()
                    .satisfies(e -> assertThat(e.fix()).contains("give w (or its role) docker.metrics-addr"));
            assertThat(errors).filteredOn(e -> e.path().equals("swarm.stacks[0].source")).singleElement()
                    .satisfies(e -> assertThat(e.fix()).contains("without '..'"));
        }

        @Test
        void theReferenceLabsGitlabHasItsRunnersProjectsAndASecretReference() throws IOException {
            GitlabSpec g = GitlabSpec.of(PARSER.parse(example("reference-lab.yaml"), "reference-lab.yaml"));
            assertThat(g.install()).isEqualTo("omnibus");
            assertThat(g.rootPasswordSecret()).isEqualTo("GITLAB_ROOT_PASSWORD");
            assertThat(g.urlHost()).isEqualTo("gitlab.tp2.lab");
            assertThat(g.hooksDir()).isEqualTo(GitlabSpec.DEFAULT_HOOKS_DIR);
            assertThat(g.runners()).extracting(GitlabSpec.Runner::name, GitlabSpec.Runner::executor, GitlabSpec.Runner::tags)
                    .containsExactly(Tuple.tuple("gitlab-docker", "docker", List.of("docker")),
                            Tuple.tuple("gitlab-shell", "shell", List.of("shell")));
            assertThat(g.projects()).containsExactly("sleepytest", "http-server", "tp1-app");
        }

        @Test
        void aPasswordInTheLabFileAndBadRunnersAreRefusedWithTheFix() {
            List<LabError> errors = errorsOf(HEAD + """
                    hosts: [{name: g, address: 10.0.0.5}]
                    gitlab:
                      host: g
                      externalUrl: https://g.lab.test
                      install: apt
                      rootPassword: hunter2
                      runners:
                        - {host: g, executor: kubernetes, tags: [Docker]}
                        - {host: nowhere, executor: shell}
                        - {host: g, executor: shell}
                        - {host: g, executor: shell}
                      projects: [sleepytest, my-own]
                      hooksDir: relative/hooks
                    """);
            assertThat(errors).extracting(LabError::path).containsExactlyInAnyOrder("gitlab.install", "gitlab.rootPassword",
                    "gitlab.runners[0].executor", "gitlab.runners[0].tags[0]", "gitlab.runners[1].host", "gitlab.runners[3].name",
                    "gitlab.projects[1]", "gitlab.hooksDir");
            assertThat(errors).filteredOn(e -> e.path().equals("gitlab.rootPassword")).singleElement().satisfies(e -> {
                assertThat(e.message()).doesNotContain("hunter2");
                assertThat(e.fix()).contains("{secret: GITLAB_ROOT_PASSWORD}");
                assertThat(e.line()).isEqualTo(9);
            });
        }

        @Test
        void anExistingGitlabNeedsATokenSecretAndTheOtherGitlabSettingsAreChecked() {
            List<LabError> errors = errorsOf(HEAD + """
                    hosts: [{name: g, address: 10.0.0.5}]
                    gitlab:
                      host: g
                      externalUrl: https://g.lab.test
                      install: existing
                      image: gitlab/gitlab-ce:17.5.1-ce.0
                      packageRepository: ftp://mirror
                      monitoringAllow: [10.0.0.0/33]
                      runners:
                        - {host: g, executor: shell, image: alpine}
                      projects: [sleepytest]
                      images:
                        - {project: http-server, name: Base, from: 'debian:bookworm', tag: 'bad tag'}
                    """);
            assertThat(errors).extracting(LabError::path).containsExactlyInAnyOrder("gitlab.token", "gitlab.image",
                    "gitlab.packageRepository", "gitlab.monitoringAllow[0]", "gitlab.runners[0].image", "gitlab.images[0].project",
                    "gitlab.images[0].name", "gitlab.images[0].tag", "gitlab.images[0]");
            assertThat(errors).filteredOn(e -> e.path().equals("gitlab.token")).singleElement()
                    .satisfies(e -> assertThat(e.fix()).contains("token: {secret: GITLAB_TOKEN}"));
            List<LabError> literal = errorsOf(HEAD + """
                    hosts: [{name: g, address: 10.0.0.5}]
                    gitlab: {host: g, externalUrl: https://g.lab.test, install: existing, token: glpat-abcdefghij}
                    """);
            assertThat(literal).singleElement().satisfies(e -> {
                assertThat(e.path()).isEqualTo("gitlab.token");
                assertThat(e.message() + e.fix()).doesNotContain("glpat-abcdefghij");
            });
            Lab ok = PARSER.parse(HEAD + """
                    hosts: [{name: g, address: 10.0.0.5}]
                    gitlab:
                      host: g
                      externalUrl: https://g.lab.test
                      install: container
                      image: gitlab/gitlab-ce:17.5.1-ce.0
                      token: {secret: GITLAB_TOKEN}
                      monitoringAllow: [10.0.0.1/32]
                      runners: [{host: g, executor: docker, image: alpine:3.20}]
                    """, "lab.yaml");
            assertThat(GitlabSpec.of(ok).tokenSecret()).isEqualTo("GITLAB_TOKEN");
            assertThat(GitlabSpec.of(ok).image()).isEqualTo("gitlab/gitlab-ce:17.5.1-ce.0");
            assertThat(GitlabSpec.of(ok).monitoringAllow()).containsExactly("10.0.0.1/32");
            assertThat(GitlabSpec.of(ok).runners().get(0).image()).isEqualTo("alpine:3.20");
        }

        @Test
        void gitlabsOwnTlsFilesMustComeWithTheLabBeSignedByTheirCaAndNameTheUrlsHost() {
            KeyPair caKey = Pki.newKey();
            var ca = Pki.newCa(caKey, "school CA", Duration.ofDays(30));
            KeyPair key = Pki.newKey();
            String cert = Pki.pem(Pki.sign(Pki.csr(key, "g"), ca,
                    caKey.getPrivate(), "g", List.of("g.lab.test"), List.of("10.0.0.5"), Pki.Usage.SERVER,
                    Duration.ofDays(30)));
            String other = Pki.pem(Pki.newCa(Pki.newKey(), "other", Duration.ofDays(1)));
            String lab = HEAD + """
                    hosts: [{name: g, address: 10.0.0.5}]
                    gitlab:
                      host: g
                      externalUrl: https://g.lab.test
                      tls: {certificate: tls/g.crt, ca: ./tls/ca.crt, key: {secret: GITLAB_TLS_KEY}}
                    """;
            LabParser.Result ok = PARSER.read(lab, Map.of("tls/g.crt", cert, "tls/ca.crt", Pki.pem(ca)));
            assertThat(ok.errors()).isEmpty();
            assertThat(GitlabSpec.of(ok.lab()).tls().certificatePem()).isEqualTo(cert);
            assertThat(GitlabSpec.of(ok.lab()).tls().keySecret()).isEqualTo("GITLAB_TLS_KEY");
            assertThat(PARSER.read(lab, Map.of("tls/g.crt", cert)).errors()).singleElement()
                    .satisfies(e -> assertThat(e.path() + ": " + e.message()).isEqualTo("gitlab.tls.ca: ./tls/ca.crt did not come with the lab"));
            assertThat(PARSER.read(lab, Map.of("tls/g.crt", cert, "tls/ca.crt", other)).errors()).singleElement()
                    .satisfies(e -> assertThat(e.message()).isEqualTo("tls/g.crt is not signed by ./tls/ca.crt"));
            assertThat(PARSER.read(lab.replace("https://g.lab.test", "https://gitlab.lab.test"),
                    Map.of("tls/g.crt", cert, "tls/ca.crt", Pki.pem(ca))).errors()).singleElement()
                    .satisfies(e -> assertThat(e.message()).contains("names [g.lab.test, 10.0.0.5], not gitlab.lab.test"));
            assertThat(PARSER.read(HEAD + """
                    hosts: [{name: g, address: 10.0.0.5}]
                    gitlab: {host: g, externalUrl: https://g.lab.test, tls: public}
                    """).errors()).singleElement().satisfies(e -> assertThat(e.message()).contains("tls: public is for install: existing"));
            assertThat(GitlabSpec.of(PARSER.read(HEAD + """
                    hosts: [{name: g, address: 10.0.0.5}]
                    gitlab: {host: g, externalUrl: https://g.lab.test, tls: public, install: existing, token: {secret: T}}
                    """).lab()).tls().isPublic()).isTrue();
            assertThat(PARSER.read(lab.replace("key: {secret: GITLAB_TLS_KEY}", "key: '-----BEGIN PRIVATE KEY-----'"),
                    Map.of("tls/g.crt", cert, "tls/ca.crt", Pki.pem(ca))).errors()).singleElement()
                    .satisfies(e -> assertThat(e.path()).isEqualTo("gitlab.tls.key"));
        }

        @Test
        void swarmAndCalicoOnOneHostNeedAnotherDataPathPort() {
            String lab = HEAD + """
                    hosts:
                      - {name: a, address: 10.0.0.1}
                    swarm: {managers: [a]}
                    kubernetes: {controlPlane: a, calico: {}}
                    """;
            assertThat(errorsOf(lab)).singleElement().extracting(LabError::path).isEqualTo("swarm.dataPathPort");
            assertThat(PARSER.read(lab.replace("managers: [a]", "managers: [a], dataPathPort: 4790")).ok()).isTrue();
        }

        @Test
        void badValuesAreReportedNotThrown() {
            List<LabError> errors = errorsOf(HEAD + """
                    hosts:
                      - name: a
                        address: fe80::zz
                        docker: {data-root: relative/dir, metrics-addr: nope, experimental: maybe}
                    kubernetes: {controlPlane: a, podNetworkCidr: 10.0.0.0/40}
                    """);
            assertThat(errors).extracting(LabError::path).containsExactlyInAnyOrder("hosts[0].address",
                    "hosts[0].docker.data-root", "hosts[0].docker.metrics-addr", "hosts[0].docker.experimental",
                    "kubernetes.podNetworkCidr");
        }

        @Test
        void registryTrustNeedsARegistryAndACertificate() {
            List<LabError> errors = errorsOf(HEAD + """
                    hosts:
                      - name: a
                        address: 10.0.0.1
                        registryTrust:
                          - {registry: "bad/path", ca: "not a certificate"}
                    """);
            assertThat(errors).extracting(LabError::path).containsExactlyInAnyOrder("hosts[0].registryTrust[0].registry",
                    "hosts[0].registryTrust[0].ca");
            assertThat(errors).allSatisfy(e -> assertThat(e.line()).isEqualTo(8));
        }

        @Test
        void yamlSyntaxErrorHasALine() {
            List<LabError> errors = errorsOf(HEAD + "hosts:\n  - name: a\n   address: [\n");
            assertThat(errors).singleElement().satisfies(e -> assertThat(e.line()).isGreaterThan(3));
        }

        @Test
        void parseThrowsWithAllErrorsInTheMessage() {
            assertThatThrownBy(() -> PARSER.parse(HEAD + "hosts: []\nbogus: 1\n", "x.yaml"))
                    .isInstanceOf(LabValidationException.class)
                    .hasMessageContaining("x.yaml has 2 errors")
                    .hasMessageContaining("unknown key 'bogus'")
                    .hasMessageContaining("the lab has no hosts");
        }
    }

    @Test
    void kernelParametersMergeFromRolesAndBadOnesAreNamed() {
        Lab lab = PARSER.parse(Refusals.HEAD + """
                roles:
                  k8s: {sysctl: {net.ipv4.ip_forward: 1, net.bridge.bridge-nf-call-iptables: 1}}
                hosts:
                  - {name: a, address: 10.0.0.1, roles: [k8s], sysctl: {net.ipv4.ip_forward: 0, vm.swappiness: 10}}
                """, "t");
        assertThat(SysctlSpec.of(lab, lab.requireHost("a")).values()).containsExactly(
                Map.entry("net.bridge.bridge-nf-call-iptables", "1"), Map.entry("net.ipv4.ip_forward", "0"), Map.entry("vm.swappiness", "10"));
        List<LabError> errors = errorsOf(Refusals.HEAD + """
                hosts:
                  - {name: a, address: 10.0.0.1, sysctl: {../../etc/shadow: 1, net.ipv4.ip_forward: "1; reboot"}}
                """);
        assertThat(errors).extracting(LabError::path).containsExactlyInAnyOrder("hosts[0].sysctl.../../etc/shadow",
                "hosts[0].sysctl.net.ipv4.ip_forward");
        assertThat(errors).allSatisfy(e -> assertThat(e.fix()).isNotBlank());
    }

    @Test
    void whatWouldWreckAHostIsRefusedWithItsFixUnlessTheLabAcknowledgesIt() {
        String risky = Refusals.HEAD + """
                hosts:
                  - name: a
                    address: 127.0.0.1
                    docker: {data-root: /etc/docker-data}
                    firewall: {ports: [1-65535/tcp, 30000-32767/tcp]}
                    disks: [{device: /dev/vdb, volumeGroup: data, volumes: [{name: d, size: 1G, filesystem: ext4, mount: /etc}]}]
                  - {name: b, address: 0.0.0.0}
                """;
        List<LabError> errors = errorsOf(risky);
        assertThat(errors).extracting(LabError::path).containsExactlyInAnyOrder("hosts[0].address", "hosts[0].docker.data-root",
                "hosts[0].firewall.ports[0]", "hosts[0].disks[0].volumes[0].mount", "hosts[1].address");
        assertThat(errors).allSatisfy(e -> assertThat(e.fix()).contains("acknowledge:"));
        assertThat(errors).filteredOn(e -> e.path().endsWith("mount")).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("would hide a directory the system lives in"));

        // the author who means it says so, by name
        assertThat(PARSER.read("acknowledge: [system-path, wide-port-range, local-address]\n" + risky).ok()).isTrue();
        assertThat(PARSER.read("acknowledge: [system-path]\n" + risky).errors()).extracting(LabError::path)
                .containsExactlyInAnyOrder("hosts[0].address", "hosts[0].firewall.ports[0]", "hosts[1].address");
        assertThat(errorsOf("acknowledge: [everything]\n" + risky)).extracting(LabError::path).contains("acknowledge[0]");
        // below a system directory that may hold mounts, and the usual places: fine
        assertThat(PARSER.read(Refusals.HEAD + """
                hosts: [{name: a, address: 10.0.0.1, docker: {data-root: /var/lib/docker}}]
                """).ok()).isTrue();
    }

    @Test
    void sizesAndPorts() {
        assertThat(Size.parse("15G").bytes()).isEqualTo(15L << 30);
        assertThat(Size.parse("100%FREE").percentFree()).isEqualTo(100);
        assertThat(Size.parse("512M").toString()).isEqualTo("512M");
        assertThat(PortRange.parse("30000-32767/tcp")).isEqualTo(new PortRange(30000, 32767, "tcp"));
        assertThatThrownBy(() -> PortRange.parse("0/tcp")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Size.parse("0G")).isInstanceOf(IllegalArgumentException.class);
    }
}
