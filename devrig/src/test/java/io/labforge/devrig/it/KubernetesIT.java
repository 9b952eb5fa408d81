package io.labforge.devrig.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.labforge.common.features.Features;
import io.labforge.common.lab.Lab;
import io.labforge.common.messaging.Json;
import io.labforge.common.messaging.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Part 3 of the reference lab as far as these machines allow, on three real lab hosts (containers with
 * systemd, firewalld, Debian's containerd and Docker on it): examples/kubernetes-lab.yaml with its package
 * repository pointed at one this test builds and serves (lab-hosts/build-kubernetes-repo: kubeadm, kubelet
 * and kubectl are stand-ins, signed like pkgs.k8s.io). R24 for real: swap off and kept off, the modules,
 * the sysctls, containerd with CRI and the systemd cgroup driver, Docker still running containers on it,
 * the role's ports. R25/R27 with the stand-ins: the repository configured as kubernetes.io says, the
 * packages installed and held, kubeadm init with Labforge's configuration, a fresh token per worker that
 * never travels in clear, the join pinning the CA hash openssl computes. Re-applying changes nothing;
 * compensation resets the nodes and gives back each file as it was.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesIT {
    static final List<String> NODES = List.of("k8s1", "k8s2", "k8s3");
    static final String SWAP_ENTRY = "/swapfile none swap sw 0 0";
    /** Stand-ins for the add-ons' published manifests, as a mirror serves them: what Labforge reads of them, not their pods' work. */
    static final String OPERATOR = crd("installations", "Installation") + crd("tigerastatuses", "TigeraStatus") + crd("apiservers", "APIServer")
            + """
            apiVersion: v1
            kind: Namespace
            metadata: {name: tigera-operator}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: tigera-operator, namespace: tigera-operator}
            spec:
              replicas: 1
              selector: {matchLabels: {name: tigera-operator}}
              template:
                metadata: {labels: {name: tigera-operator}}
                spec: {containers: [{name: tigera-operator, image: "quay.io/tigera/operator:v1.40.2"}]}
            """;
    static final String HEADLAMP = """
            kind: Service
            apiVersion: v1
            metadata: {name: headlamp, namespace: kube-system}
            spec:
              ports: [{port: 80, targetPort: 4466}]
              selector: {k8s-app: headlamp}
            ---
            kind: Deployment
            apiVersion: apps/v1
            metadata: {name: headlamp, namespace: kube-system}
            spec:
              replicas: 1
              selector: {matchLabels: {k8s-app: headlamp}}
              template:
                metadata: {labels: {k8s-app: headlamp}}
                spec: {containers: [{name: headlamp, image: "ghcr.io/headlamp-k8s/headlamp:latest", args: ["-in-cluster"]}]}
            """;
    static final String METRICS_SERVER = """
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: metrics-server, namespace: kube-system}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: metrics-server, namespace: kube-system}
            spec:
              selector: {matchLabels: {k8s-app: metrics-server}}
              template:
                metadata: {labels: {k8s-app: metrics-server}}
                spec:
                  serviceAccountName: metrics-server
                  containers: [{name: metrics-server, image: "registry.k8s.io/metrics-server/metrics-server:v0.8.1", args: ["--secure-port=10250"]}]
            """;
    LabHostsFixture hosts;
    Harness h;
    KubernetesStandIns repository;
    KubernetesApiStandIn api;
    String source;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        String file = Files.readString(Path.of("..", "examples", "kubernetes-lab.yaml"));
        Lab lab = Features.PARSER.parse(file, "kubernetes-lab.yaml");
        hosts = new LabHostsFixture("KubernetesIT", lab, dir).up(Duration.ofMinutes(3), true);
        h = hosts.services(hosts.local.gateway()).h;
        repository = new KubernetesStandIns(dir.resolve("k8s-repo"), hosts.local.gateway());
        source = repository.pointedAt(file);
        api = new KubernetesApiStandIn(hosts.local.gateway());
        api.controllers();
        h.startClusterService();
        hosts.bootstrapAll();
        await("agents announce").atMost(Duration.ofMinutes(2)).until(() -> h.jdbc().queryForObject(
                "SELECT count(*) FROM host WHERE facts->>'sealingKey' IS NOT NULL", Integer.class) == 3);
    }

    @AfterAll
    void stop() {
        if (repository != null) {
            repository.close();
        }
        if (api != null) {
            api.close();
        }
        if (hosts != null) {
            hosts.close();
        }
    }

    String on(String host, String... argv) {
        return hosts.on(host, argv);
    }

    @Test
    void theNodesArePreparedTheClusterMadeAndJoinedThenAllOfItUndone() throws Exception {
        // a worker with a swap entry in fstab (its file is absent: turning on swap in a container would be the machine's;
        // systemd has no swap units in a container, so masking them is VmKubernetesNodeIT's)
        on("k8s2", "sh", "-c", "echo '" + SWAP_ENTRY + "' >> /etc/fstab");
        on("k8s1", "useradd", "-m", "student");
        Map<String, String> fstab = new HashMap<>();
        Map<String, String> containerd = new HashMap<>();
        for (String n : NODES) {
            fstab.put(n, on(n, "cat", "/etc/fstab"));
            containerd.put(n, on(n, "cat", "/etc/containerd/config.toml"));
        }
        assertThat(containerd.get("k8s1")).as("Debian's packaged config").contains("/usr/lib/cni").doesNotContain("SystemdCgroup");

        // the control plane gets the cluster CA the API stand-in's TLS front is of (kubeadm keeps a CA given to it)
        api.installOn(hosts, "k8s1");
        api.kubeletsAsk(NODES);
        String withUser = source.replace("  workers: [k8s2, k8s3]", "  workers: [k8s2, k8s3]\n  user: student\n"
                + "  calico: {operatorManifest: \"" + api.serve("/calico/tigera-operator.yaml", OPERATOR) + "\"}\n"
                + "  headlamp: {manifest: \"" + api.serve("/headlamp/kubernetes-headlamp.yaml", HEADLAMP) + "\", nodePort: 30443}\n"
                + "  metricsServer: {manifest: \"" + api.serve("/metrics-server/components.yaml", METRICS_SERVER) + "\"}\n"
                + "  testApp: {replicas: 2}")
                // the test's mirror is plain http on this machine, which a lab must own up to
                .replace("domain: k8s.test", "domain: k8s.test\nacknowledge: [plain-http-manifest]");
        long t0 = System.nanoTime();
        var submitted = h.post("/api/sagas", withUser);
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
        String saga = Json.read(submitted.body()).get("id").asString();
        JsonNode done = h.awaitFinal(saga, Duration.ofMinutes(10));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        System.out.printf("KubernetesIT: three nodes prepared, the cluster made and joined, its add-ons installed in %.1fs; the longest steps: %s%n",
                (System.nanoTime() - t0) / 1e9, longest(done, 6));

        // R24, real
        for (String n : NODES) {
            assertThat(on(n, "cat", "/etc/fstab").lines().filter(l -> l.contains(" swap ") && !l.startsWith("#"))).as(n).isEmpty();
            assertThat(on(n, "cat", "/etc/modules-load.d/labforge-kubernetes.conf")).contains("\noverlay\nbr_netfilter");
            assertThat(on(n, "sysctl", "-n", "net.ipv4.ip_forward", "net.bridge.bridge-nf-call-iptables")).isEqualTo("1\n1");
            assertThat(on(n, "cat", "/etc/sysctl.d/90-labforge.conf")).contains("net.bridge.bridge-nf-call-iptables = 1");
            // containerd as it reads its own configuration: CRI loaded, runc with the systemd driver, Calico's CNI directory
            assertThat(on(n, "containerd", "config", "dump")).contains("SystemdCgroup = true", "bin_dir = \"/opt/cni/bin\"");
            assertThat(on(n, "ctr", "plugins", "ls")).containsPattern("io\\.containerd\\.grpc\\.v1\\s+cri\\s+.*ok");
            assertThat(on(n, "systemctl", "is-active", "containerd", "docker")).isEqualTo("active\nactive");
            dockerRunsAContainer(n);
        }
        assertThat(on("k8s2", "cat", "/etc/fstab")).contains("#labforge-swap-off# " + SWAP_ENTRY);
        assertThat(on("k8s1", "firewall-cmd", "--list-ports")).contains("6443/tcp", "2379-2380/tcp", "10250/tcp", "4789/udp", "179/tcp");
        assertThat(on("k8s3", "firewall-cmd", "--list-ports")).contains("10250/tcp", "30000-32767/tcp", "4789/udp").doesNotContain("6443/tcp");

        // R25: the repository as kubernetes.io says, the packages held, the kubelet enabled
        for (String n : NODES) {
            assertThat(on(n, "cat", "/etc/apt/sources.list.d/kubernetes.list")).isEqualTo("deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] "
                    + repository.base() + "/v1.35/deb/ /");
            assertThat(on(n, "apt-mark", "showhold")).isEqualTo("kubeadm\nkubectl\nkubelet");
            assertThat(on(n, "dpkg-query", "-W", "-f=${Version}", "kubeadm")).isEqualTo("1.35.0-1.1");
            assertThat(on(n, "systemctl", "is-enabled", "kubelet")).isEqualTo("enabled");
        }
        // R25: init once, with the configuration Labforge wrote; kubeconfigs for root and the lab's user
        String initLog = on("k8s1", "cat", "/var/log/labforge-standin/kubeadm.log");
        assertThat(initLog.lines().filter(l -> l.startsWith("kubeadm init"))).containsExactly("kubeadm init --config /etc/labforge/kubeadm/init.yaml");
        String config = on("k8s1", "cat", "/var/log/labforge-standin/init-config.yaml");
        assertThat(config).contains("apiVersion: kubeadm.k8s.io/v1beta4", "podSubnet: 192.168.0.0/16", "cgroupDriver: systemd",
                "advertiseAddress: 10.83.0.11", "serverTLSBootstrap: true");
        assertThat(on("k8s1", "stat", "-c", "%U %a", "/home/student/.kube/config")).isEqualTo("student 600");
        assertThat(on("k8s1", "cmp", "/etc/kubernetes/admin.conf", "/root/.kube/config")).isEmpty();
        // R27: each worker joined with a token the control plane made for it, pinning the CA's hash as openssl computes it
        String caHash = "sha256:" + on("k8s1", "sh", "-c", "openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt | openssl rsa -pubin -outform der "
                + "2>/dev/null | openssl dgst -sha256 -hex | sed 's/^.* //'");
        List<String> tokens = on("k8s1", "cat", "/etc/kubernetes/standin-tokens").lines().toList();
        assertThat(tokens).hasSize(2).doesNotHaveDuplicates();
        for (String w : List.of("k8s2", "k8s3")) {
            String record = on(w, "cat", "/var/log/labforge-standin/join.record");
            assertThat(record).contains("endpoint=10.83.0.11:6443", "hash=" + caHash, "name=" + w);
            String id = record.replaceAll(".*token-id=(\\w+).*", "$1");
            assertThat(tokens).anyMatch(t -> t.startsWith(id + "."));
            assertThat(hosts.local.exec(w, "test", "-e", "/etc/labforge/kubeadm/join.yaml").ok()).as("the token's file removed").isFalse();
        }
        // the tokens never in clear: not on Kafka, in the audit log, the API or the database
        List<String> records = h.records(Topics.AGENT_COMMANDS, Topics.STEP_EVENTS);
        String audit = h.get("/api/audit/export").body();
        String sagaJson = h.get("/api/sagas/" + saga).body();
        String stored = String.join("\n", h.jdbc().queryForList("SELECT coalesce(outputs::text, '') FROM step", String.class));
        for (String t : tokens) {
            String secret = t.substring(7);
            assertThat(records).noneMatch(r -> r.contains(secret));
            assertThat(audit + sagaJson + stored).doesNotContain(secret);
        }
        assertThat(records).anyMatch(r -> r.contains("agent.KubeadmJoin") && r.contains("$sealed"));

        // R26, R28–R30 through cluster-service, on the certificate the control plane signed for its key
        assertThat(api.clients).isNotEmpty().allMatch(c -> c.equals("CN=labforge:cluster-service,O=kubeadm:cluster-admins"));
        var installation = api.client.genericKubernetesResources("operator.tigera.io/v1", "Installation").withName("default").get();
        assertThat(installation.toString()).contains("cidr=192.168.0.0/16", "encapsulation=VXLANCrossSubnet");
        assertThat(api.client.apps().deployments().inNamespace("tigera-operator").withName("tigera-operator").get()).isNotNull();
        assertThat(api.client.apps().deployments().inNamespace("kube-system").withName("headlamp").get()).isNotNull();
        assertThat(api.client.serviceAccounts().inNamespace("kube-system").withName("headlamp-admin").get()).isNotNull();
        assertThat(api.client.rbac().clusterRoleBindings().withName("headlamp-admin").get().getRoleRef().getName()).isEqualTo("cluster-admin");
        assertThat(api.client.services().inNamespace("kube-system").withName("headlamp-nodeport").get().getSpec().getPorts().get(0)
                .getNodePort()).isEqualTo(30443);
        assertThat(NODES).allMatch(api::approved);
        assertThat(api.client.apps().deployments().inNamespace("kube-system").withName("metrics-server").get()).isNotNull();
        assertThat(api.client.apps().deployments().inNamespace("labforge-test").withName("nginx").get().getSpec().getReplicas()).isEqualTo(2);
        assertThat(api.client.services().inNamespace("labforge-test").withName("nginx").get().getSpec().getPorts().get(0).getNodePort())
                .isEqualTo(30080);
        // labforge kubernetes status: the cluster as its API says it is, read through cluster-service
        JsonNode described = h.awaitFinal(Json.read(h.post("/api/labs/k8s/kubernetes/status", "").body()).get("id").asString(),
                Duration.ofMinutes(1));
        assertThat(described.get("status").asString()).as(described.toString()).isEqualTo("SUCCEEDED");
        JsonNode status = Harness.step(described, "describe-kubernetes@cluster-service").get("outputs");
        assertThat(status.get("nodes").findValuesAsString("name")).containsExactlyInAnyOrderElementsOf(NODES);
        assertThat(status.get("workloads").toString()).contains("\"name\":\"nginx\",\"ready\":2,\"desired\":2");
        // and the README's kubernetes lines, as written, against this orchestrator
        assertThat(String.join("\n", ReadmeLines.runAll("KubernetesIT", hosts.userHome(), Map.of(), h.cliEnv()))).contains("k8s1", "k8s2", "nginx");
        // Headlamp's token, made on the control plane for the user: never on the bus, in the audit log, the API or the database
        assertThat(on("k8s1", "stat", "-c", "%U %a", "/home/student/headlamp-token")).isEqualTo("student 600");
        assertThat(on("k8s1", "cat", "/var/log/labforge-standin/tokens.log")).isEqualTo("kube-system/headlamp-admin 24h");
        String headlampToken = on("k8s1", "cat", "/home/student/headlamp-token").strip();
        assertThat(headlampToken).startsWith("eyJ");
        assertThat(records).noneMatch(r -> r.contains(headlampToken));
        assertThat(audit + sagaJson + stored).doesNotContain(headlampToken);

        // the kubelets would register their nodes with the API server: the stand-in's list, as the test's part of it
        on("k8s1", "sh", "-c", "printf 'k8s2\\nk8s3\\n' >> /etc/kubernetes/standin-nodes");
        // the same lab again: nothing to change, containerd not restarted, no token made, no init or join run
        String pid = on("k8s1", "systemctl", "show", "-p", "MainPID", "--value", "containerd");
        JsonNode again = h.awaitFinal(Json.read(h.post("/api/sagas", withUser).body()).get("id").asString(), Duration.ofMinutes(5));
        assertThat(again.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(again.get("steps")).allSatisfy(s -> assertThat(s.get("changed").asBoolean()).as(s.toString()).isFalse());
        assertThat(on("k8s1", "systemctl", "show", "-p", "MainPID", "--value", "containerd")).isEqualTo(pid);
        assertThat(on("k8s1", "cat", "/etc/kubernetes/standin-tokens").lines()).hasSize(2);

        // kube-proxy's rules as it would leave them beside Docker's: reset removes them, Docker's stay
        on("k8s3", "sh", "-c", "iptables -N KUBE-FORWARD && iptables -A FORWARD -m comment --comment 'kubernetes forwarding rules' -j KUBE-FORWARD");
        // compensation: each node reset, the packages and repository gone, each file as it was
        assertThat(h.post("/api/sagas/" + saga + "/compensate", "").statusCode()).isLessThan(300);
        assertThat(h.awaitFinal(saga, Duration.ofMinutes(10)).get("status").asString()).isEqualTo("COMPENSATED");
        for (String n : NODES) {
            assertThat(on(n, "cat", "/var/log/labforge-standin/kubeadm.log")).contains("kubeadm reset -f");
            assertThat(hosts.local.exec(n, "test", "-e", "/etc/kubernetes/admin.conf").ok() || hosts.local.exec(n, "test", "-e",
                    "/etc/kubernetes/kubelet.conf").ok()).as(n + ": reset").isFalse();
            assertThat(hosts.local.exec(n, "dpkg-query", "-W", "-f=${Status}", "kubeadm").out()).doesNotContain("install ok installed");
            assertThat(hosts.local.exec(n, "test", "-e", "/etc/apt/sources.list.d/kubernetes.list").ok()).isFalse();
            assertThat(on(n, "cat", "/etc/fstab")).as(n).isEqualTo(fstab.get(n));
            assertThat(on(n, "cat", "/etc/containerd/config.toml")).as(n).isEqualTo(containerd.get(n));
            assertThat(hosts.local.exec(n, "test", "-e", "/etc/modules-load.d/labforge-kubernetes.conf").ok()).isFalse();
            assertThat(on(n, "systemctl", "is-active", "containerd", "docker")).isEqualTo("active\nactive");
            dockerRunsAContainer(n);
        }
        assertThat(hosts.local.exec("k8s1", "test", "-e", "/home/student/.kube/config").ok()).isFalse();
        // the add-ons: what their steps created deleted, the token file gone
        assertThat(api.client.genericKubernetesResources("operator.tigera.io/v1", "Installation").withName("default").get()).isNull();
        assertThat(api.client.namespaces().withName("labforge-test").get()).isNull();
        assertThat(api.client.serviceAccounts().inNamespace("kube-system").withName("headlamp-admin").get()).isNull();
        assertThat(api.client.apps().deployments().inNamespace("kube-system").withName("metrics-server").get()).isNull();
        assertThat(hosts.local.exec("k8s1", "test", "-e", "/home/student/headlamp-token").ok()).isFalse();
        assertThat(on("k8s3", "iptables-save")).doesNotContain("KUBE-").contains("DOCKER-USER");
    }

    /** The saga's longest steps, {@code id seconds}. */
    static String longest(JsonNode saga, int n) {
        List<String> out = new java.util.ArrayList<>();
        saga.get("steps").forEach(st -> {
            if (st.hasNonNull("startedAt") && st.hasNonNull("finishedAt")) {
                Duration d = Duration.between(java.time.Instant.parse(st.get("startedAt").asString()), java.time.Instant.parse(st.get("finishedAt").asString()));
                out.add(String.format("%06d %s %.1fs", d.toMillis(), st.get("id").asString(), d.toMillis() / 1e3));
            }
        });
        return out.stream().sorted(java.util.Comparator.reverseOrder()).limit(n).map(x -> x.substring(7)).toList().toString();
    }

    /** Docker on the reconfigured containerd still starts a container (busybox from the host, imported). */
    private void dockerRunsAContainer(String n) {
        on(n, "sh", "-c", "docker image inspect bb >/dev/null 2>&1 || tar -C / -c bin/busybox | docker import - bb >/dev/null");
        assertThat(on(n, "docker", "run", "--rm", "bb", "/bin/busybox", "echo", "docker runs")).isEqualTo("docker runs");
    }

    static String crd(String plural, String kind) {
        return """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: %1$s.operator.tigera.io}
                spec:
                  group: operator.tigera.io
                  scope: Cluster
                  names: {kind: %2$s, plural: %1$s, singular: %3$s, listKind: %2$sList}
                  versions: [{name: v1, served: true, storage: true, subresources: {status: {}}, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]
                ---
                """.formatted(plural, kind, kind.toLowerCase(java.util.Locale.ROOT));
    }
}
