package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labforge.common.features.Features;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabFiles;
import io.labforge.common.messaging.Json;
import io.labforge.gitlab.fake.FakeGitlab;
import io.labforge.orchestrator.local.LabCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
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
 * The whole reference lab, examples/reference-lab.yaml (GitLab, Swarm and Kubernetes on six hosts), on six
 * real lab hosts (containers with systemd, firewalld and their own Docker), in one orchestrator with both
 * services. First the file as it is, planned: every step of the three parts checked on its host, and each
 * one that cannot run here failing with why (the disks: a container has no block device). Then the file
 * applied as far as these machines allow, in one saga: each change made to it for this machine is listed
 * in {@link #here} with its reason and printed, and the part each one stands for runs elsewhere for real
 * (the disks on a VM in VmDisksIT) or against a stand-in the README names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReferenceLabIT {
    static final String TOKEN = "glpat-referencelabit-0123";
    static final List<String> HOSTS = List.of("gitlab", "swarm1", "swarm2", "swarm3", "k8s1", "k8s2");

    /** One change to the reference lab for this machine: {@code find} (which must be there) replaced, and why. */
    record Here(String find, String replace, String why) {
    }

    /** What cannot run on these machines, in the order it is applied to the file. Filled in once the stand-ins are up. */
    final List<Here> here = new ArrayList<>();

    String reference;
    Map<String, String> files;
    LabHostsFixture hosts;
    Harness h;
    FakeGitlab gitlab;
    KubernetesStandIns repository;
    KubernetesApiStandIn api;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Path file = Path.of("..", "examples", "reference-lab.yaml");
        reference = Files.readString(file);
        files = LabFiles.collect(file, Features.PARSER.read(reference));
        assertThat(Features.PARSER.read(reference, files).lab().hosts()).extracting(Lab.Host::name).containsExactlyElementsOf(HOSTS);
        here.addAll(withoutDisks());
        // the hosts as containers: the lab without its disks
        Lab lab = Features.PARSER.read(applied(reference, here, false), files).lab();
        assertThat(lab.hosts()).allMatch(x -> x.kind() == Lab.Kind.CONTAINER);
        long t0 = System.nanoTime();
        hosts = new LabHostsFixture("ReferenceLabIT", lab, dir).up(Duration.ofMinutes(4), true);
        long up = System.nanoTime();
        h = hosts.services(hosts.local.gateway()).h;
        LabCa ca = LabCa.forLab(h.stateDir, "tp2");
        gitlab = new FakeGitlab(TOKEN, ca.certificate(), ca.key().getPrivate());
        repository = new KubernetesStandIns(dir.resolve("k8s-repo"), hosts.local.gateway());
        api = new KubernetesApiStandIn(hosts.local.gateway());
        api.controllers();
        Files.createDirectories(h.stateDir.resolve("secrets"));
        Files.writeString(h.stateDir.resolve("secrets/GITLAB_TOKEN"), TOKEN);
        Files.writeString(h.stateDir.resolve("secrets/GITLAB_ROOT_PASSWORD"), "ref-root-Password-42");
        h.startGitlabService();
        h.startClusterService();
        long services = System.nanoTime();
        hosts.bootstrapAll();
        // bootstrapAll waited for the announcements; each host's came with its sealing key (gitlab-service announces one too)
        assertThat(h.jdbc().queryForObject("SELECT count(*) FROM host WHERE facts->>'sealingKey' IS NOT NULL AND lab_host = ANY (?)",
                Integer.class, (Object) HOSTS.toArray(new String[0]))).isEqualTo(HOSTS.size());
        System.out.printf("ReferenceLabIT: six hosts up in %.1fs, services and stand-ins in %.1fs, agents installed and announced in %.1fs%n",
                (up - t0) / 1e9, (services - up) / 1e9, (System.nanoTime() - services) / 1e9);

        here.add(new Here("  externalUrl: https://gitlab.tp2.lab", "  externalUrl: " + gitlab.url() + "\n  token: {secret: GITLAB_TOKEN}",
                "no GitLab can be installed here: its API is FakeGitlab (GitLab's documented API, TLS from the lab's CA), its package and "
                        + "gitlab-runner on the host are stand-ins"));
        here.add(new Here("      source: tp1-app\n", "      source: tp1-app\n      env: {PYTHON_IMAGE: labforge/python:bookworm, "
                + "REDIS_IMAGE: labforge/redis:bookworm, NGINX_IMAGE: labforge/nginx:bookworm, PUBLISH_MODE: host, ENDPOINT_MODE: dnsrr}\n",
                "nothing can be pulled from Docker Hub (the bases are images built here), and this kernel has no IPVS (host-mode ports)"));
        here.add(new Here("  prometheus: {}", "  prometheus: {image: labforge/prometheus:bookworm, publishMode: host}",
                "prom/prometheus cannot be pulled: Debian's prometheus in an image built here"));
        here.add(new Here("  version: \"1.35\"", "  packageRepository: \"" + repository.base() + "\"\n  version: \"1.35\"",
                "pkgs.k8s.io is out of reach and no kubeadm, kubelet or kubectl runs here: stand-ins in a repository signed like it"));
        here.add(new Here("  calico: {}", "  calico: {operatorManifest: \"" + api.serve("/calico/tigera-operator.yaml", KubernetesIT.OPERATOR) + "\"}",
                "no Kubernetes API server runs here: fabric8's mock behind a TLS front of the cluster CA, the manifests from a local mirror"));
        here.add(new Here("  headlamp: {nodePort: 30443}", "  headlamp: {manifest: \"" + api.serve("/headlamp/kubernetes-headlamp.yaml",
                KubernetesIT.HEADLAMP) + "\", nodePort: 30443}", "Headlamp's published manifest is out of reach: a local mirror's"));
        here.add(new Here("  metricsServer: {}", "  metricsServer: {manifest: \"" + api.serve("/metrics-server/components.yaml",
                KubernetesIT.METRICS_SERVER) + "\"}", "metrics-server's published manifest is out of reach: a local mirror's"));
        here.add(new Here("onFailure: pause\n", "onFailure: pause\nacknowledge: [plain-http-manifest]\n",
                "the local mirror serves plain http, which a lab must own up to"));
    }

    /** The disks out: a host with disks is a VM (containers have no device-mapper), and six VMs under TCG are more than this machine runs. */
    static List<Here> withoutDisks() {
        List<Here> out = new ArrayList<>();
        String noDisk = "containers have no device-mapper, so no LVM: R3 and R4 (the disks, Docker's data on them) run on a VM in VmDisksIT";
        out.add(new Here("""
                    docker:
                      data-root: /data/docker                 # R4
                    disks:                                    # R3
                      - device: /dev/vdb
                        size: 30G
                        volumeGroup: data
                        volumes:
                          - name: data
                            size: 15G
                            filesystem: ext4
                            mount: /data
                """, "", noDisk));
        // the three swarm hosts say the same line, each taken out in turn
        out.addAll(Collections.nCopies(3, new Here("    disks: [{device: /dev/vdb, size: 30G, volumeGroup: data, volumes: [{name: data, size: 15G, "
                + "filesystem: ext4, mount: /data}]}]\n", "", noDisk)));
        out.add(new Here("docker: {data-root: /data/docker, tls-port: 2376}", "docker: {tls-port: 2376}", noDisk));
        out.add(new Here("    docker: {data-root: /data/docker}\n", "", noDisk));
        out.add(new Here("    docker: {data-root: /data/docker}\n", "", noDisk));
        return out;
    }

    static String applied(String lab, List<Here> changes, boolean print) {
        String out = lab;
        for (Here x : changes) {
            assertThat(out).as("the reference lab still says this").contains(x.find());
            out = out.replaceFirst(Pattern.quote(x.find()), Matcher.quoteReplacement(x.replace()));
            if (print) {
                // the first line the change adds, or "(out)" for a removal
                String added = x.replace().lines().filter(l -> !x.find().contains(l)).map(String::strip).findFirst().orElse("(out)");
                System.out.println("  " + x.find().strip().lines().findFirst().orElse("") + " -> " + added + ": " + x.why());
            }
        }
        return out;
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {gitlab, repository, api, hosts}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.out.println("ReferenceLabIT: closing " + c + ": " + e);
                }
            }
        }
    }

    String on(String host, String... argv) {
        return hosts.on(host, argv);
    }

    @Test
    @Order(1)
    void theFileAsItIsPlansWholeAndEachStepThatCannotRunHereSaysWhy() {
        long t0 = System.nanoTime();
        String id = Json.read(h.postJson("/api/sagas?mode=plan", Map.of("lab", reference, "files", files)).body()).get("id").asString();
        JsonNode planned = h.awaitFinal(id, Duration.ofMinutes(10));
        List<JsonNode> steps = StreamSupport.stream(planned.get("steps").spliterator(), false).toList();
        // all three parts, on every host and both services
        assertThat(steps).extracting(s -> s.get("target").asString()).containsAll(HOSTS).contains("gitlab-service", "cluster-service");
        assertThat(steps).extracting(s -> s.get("type").asString()).contains("agent.EnsureDisk", "agent.SwarmInit", "agent.KubeadmInit",
                "gitlab.EnsureProject", "cluster.ApplyManifest");
        Map<String, String> cannot = new TreeMap<>();
        steps.stream().filter(s -> s.get("state").asString().equals("FAILED")).forEach(s -> cannot.put(s.get("id").asString(), s.get("error").asString()));
        System.out.printf("ReferenceLabIT: the reference lab planned on six hosts in %.1fs (%d steps, %s); what cannot run here:%n",
                (System.nanoTime() - t0) / 1e9, steps.size(), planned.get("status").asString());
        cannot.forEach((step, why) -> System.out.println("  " + step + ": " + why));
        // the disks, and only they: each host's says why, at its device
        List<String> disks = List.of("gitlab", "swarm1", "swarm2", "swarm3").stream().map(host -> diskStep(steps, host)).toList();
        assertThat(cannot.keySet()).containsExactlyInAnyOrderElementsOf(disks);
        assertThat(cannot.values()).allSatisfy(why -> assertThat(why).contains("/dev/vdb"));
    }

    static String diskStep(List<JsonNode> steps, String host) {
        return steps.stream().filter(s -> s.get("target").asString().equals(host) && s.get("type").asString().equals("agent.EnsureDisk"))
                .map(s -> s.get("id").asString()).findFirst().orElseThrow(() -> new AssertionError("no disk step on " + host));
    }

    @Test
    @Order(2)
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void appliedAsFarAsTheseMachinesAllowAllThreePartsRunInOneSaga() throws Exception {
        GitlabStandIns.install(hosts, "gitlab", "localhost", TOKEN);
        api.installOn(hosts, "k8s1");
        api.kubeletsAsk(List.of("k8s1", "k8s2"));
        System.out.println("ReferenceLabIT: the reference lab as applied on these machines:");
        String here = applied(reference, this.here, true);
        long t0 = System.nanoTime();
        var submitted = h.postJson("/api/sagas", Map.of("lab", here, "files", files));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
        String saga = Json.read(submitted.body()).get("id").asString();
        JsonNode done = h.awaitFinal(saga, Duration.ofMinutes(20));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        System.out.printf("ReferenceLabIT: GitLab, the swarm and the cluster applied in one saga of %d steps in %.1fs; the longest: %s%n",
                done.get("steps").size(), (System.nanoTime() - t0) / 1e9, KubernetesIT.longest(done, 8));

        // every host named and known to the others (R1)
        for (String n : HOSTS) {
            assertThat(on(n, "getent", "hosts", "k8s2.tp2.lab")).startsWith("192.168.56.32");
            assertThat(on(n, "getent", "hosts", "gitlab.tp2.lab")).startsWith("192.168.56.10");
        }
        // Part 1: GitLab's TLS from the lab's CA, its projects, both runners registered on the host
        assertThat(on("gitlab", "openssl", "verify", "-CAfile", "/etc/gitlab/ssl/labforge-ca.crt", "/etc/gitlab/ssl/localhost.crt"))
                .endsWith(": OK");
        assertThat(gitlab.projects().values()).extracting(p -> p.get("path").asString())
                .containsExactlyInAnyOrder("sleepytest", "http-server", "tp1-app");
        assertThat(on("gitlab", "cat", "/etc/gitlab-runner/config.toml")).contains("executor = \"docker\"", "executor = \"shell\"");
        // Part 2: the swarm, the TP1 stack from the lab's registry, Prometheus
        assertThat(on("swarm1", "docker", "node", "ls", "--format", "{{.Hostname}} {{.Status}}").lines().map(String::strip).toList())
                .containsExactlyInAnyOrder("swarm1 Ready", "swarm2 Ready", "swarm3 Ready");
        assertThat(on("swarm1", "docker", "service", "ls", "--format", "{{.Name}} {{.Replicas}}").lines()
                .map(l -> String.join(" ", List.of(l.strip().split(" ")).subList(0, 2))).toList())
                .contains("tp1_web 5/5", "tp1_redis 1/1", "tp1_nginx 2/2", "prometheus 1/1");
        assertThat(on("swarm2", "cat", "/etc/docker/daemon.json")).contains("\"metrics-addr\"", "gitlab.tp2.lab:5050");
        // Part 3: the cluster made on k8s1 and joined by k8s2, its network and add-ons through cluster-service
        assertThat(on("k8s1", "cat", "/var/log/labforge-standin/init-config.yaml")).contains("podSubnet: 10.244.0.0/16",
                "advertiseAddress: 192.168.56.31");
        assertThat(on("k8s2", "cat", "/var/log/labforge-standin/join.record")).contains("endpoint=192.168.56.31:6443", "name=k8s2");
        assertThat(api.client.genericKubernetesResources("operator.tigera.io/v1", "Installation").withName("default").get().toString())
                .contains("cidr=10.244.0.0/16");
        assertThat(api.client.apps().deployments().inNamespace("labforge-test").withName("nginx").get().getSpec().getReplicas()).isEqualTo(2);
        assertThat(api.client.apps().deployments().inNamespace("kube-system").withName("metrics-server").get()).isNotNull();
        assertThat(on("k8s1", "stat", "-c", "%a", "/root/headlamp-token")).isEqualTo("600");
        // the firewall of each part's role, the swarm's and the cluster's ports
        assertThat(on("gitlab", "firewall-cmd", "--list-services")).contains("https");
        assertThat(on("swarm3", "firewall-cmd", "--list-ports")).contains("2377/tcp", "9323/tcp");
        assertThat(on("k8s1", "firewall-cmd", "--list-ports")).contains("6443/tcp", "4789/udp");
        // the audit log holds together
        assertThat(Json.read(h.get("/api/audit/verify").body()).get("ok").asBoolean()).isTrue();
    }
}
