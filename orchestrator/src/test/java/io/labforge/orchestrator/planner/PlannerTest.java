package io.labforge.orchestrator.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.common.features.Features;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabFiles;
import io.labforge.common.lab.LabParser;
import io.labforge.common.lab.kubernetes.KubernetesAddons;
import io.labforge.common.messaging.Json;
import io.labforge.common.tls.Pki;
import io.labforge.orchestrator.plan.Planners;
import io.labforge.orchestrator.plan.host.HostPlanner;
import io.labforge.orchestrator.plan.swarm.SwarmPlans;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class PlannerTest {

    static Lab lab(String name) throws IOException {
        return Features.PARSER.parse(Files.readString(Path.of("..", "examples", name)), name);
    }

    @Test
    void eachHostGetsAChainAndItsHostsFileWaitsForItsOwnName() throws IOException {
        Plan plan = Planners.all().plan(lab("local-lab.yaml"));

        assertThat(plan.steps()).extracting(s -> s.id().value()).contains("hostname@node1", "hosts-file@node1",
                "firewall@node1", "docker-daemon@node1", "docker-daemon@node3");
        assertThat(plan.step(StepId.of("hosts-file@node2")).dependsOn()).extracting(StepId::value).containsExactly("hostname@node2");
        assertThat(plan.step(StepId.of("docker-daemon@node1")).dependsOn()).containsExactly(StepId.of("tls-files@node1"));
        assertThat(plan.ancestors(StepId.of("docker-daemon@node1"))).containsExactlyInAnyOrder(StepId.of("tls-files@node1"),
                StepId.of("tls-cert@node1"), StepId.of("tls-key@node1"), StepId.of("registry-trust@node1"),
                StepId.of("docker-install@node1"), StepId.of("firewall@node1"), StepId.of("hostname@node1"));
        // the certificate is signed by the orchestrator itself, for the names the lab gives the host
        StepSpec sign = plan.step(StepId.of("tls-cert@node1"));
        assertThat(sign.target()).isEqualTo("orchestrator");
        assertThat(sign.inputs().get("ipAddresses").get(0).asString()).isEqualTo("10.77.0.11");
        assertThat(plan.inputsOf(StepId.of("firewall@node1")).get("ports").toString()).contains("2376/tcp");
        assertThat(plan.inputsOf(StepId.of("registry-trust@node2")).get("registries").get(0).get("registry").asString())
                .isEqualTo("node1.lab.test:5000");
    }

    @Test
    void aDiskComesBeforeDockerAndIsUndoneFromWhatItReportsCreated() throws IOException {
        Plan plan = Planners.all().plan(lab("vm-lab.yaml"));
        StepSpec disk = plan.step(StepId.of("disk-data@vm1"));
        assertThat(disk.commandType()).isEqualTo("agent.EnsureDisk");
        assertThat(disk.dependsOn()).containsExactly(StepId.of("hostname@vm1"));
        assertThat(plan.ancestors(StepId.of("docker-daemon@vm1"))).contains(StepId.of("disk-data@vm1"));
        assertThat(disk.inputs().get("device").asString()).isEqualTo("/dev/vdb");
        assertThat(disk.inputs().get("diskSize").asLong()).isEqualTo(30L << 30);
        assertThat(disk.inputs().get("volumes").get(0).get("size").asString()).isEqualTo("15G");
        assertThat(disk.compensation().commandType()).isEqualTo("agent.RemoveDisk");
        assertThat(disk.compensation().inputs().get("lvsCreated").toString()).contains("lvsCreated");
    }

    @Test
    void aSwarmIsInitThenJoinedWithTheInitsSecretTokensThenServedThroughClusterService() throws IOException {
        Lab lab = Features.PARSER.parse(Files.readString(Path.of("..", "examples", "swarm-lab.yaml")) + """
                  services: [{name: web, image: "r:5000/web:1", replicas: 2}]
                  availability: {worker2: drain}
                """, "swarm.yaml");
        Plan plan = Planners.all().plan(lab);
        StepSpec init = plan.step(StepId.of("swarm-init@manager1"));
        assertThat(init.dependsOn()).contains(StepId.of("hosts-file@manager1"), StepId.of("registry-ca@manager1"));
        StepSpec join = plan.step(StepId.of("swarm-join@worker2"));
        assertThat(join.dependsOn()).contains(StepId.of("swarm-init@manager1"), StepId.of("registry-ca@worker2"));
        assertThat(join.inputs().get("token").toString()).contains("swarm-init@manager1#workerToken");
        assertThat(join.inputs().get("role").asString()).isEqualTo("worker");
        assertThat(join.compensation().commandType()).isEqualTo("agent.SwarmLeave");
        // the registry's CA, as the orchestrator signed it, is what every node trusts
        assertThat(plan.step(StepId.of("registry-ca@worker1")).inputs().toString()).contains("registry-tls-cert@manager1#ca")
                .contains("manager1.swarm.test:5000");
        assertThat(plan.inputsOf(StepId.of("firewall@manager1")).get("ports").toString()).contains("5000/tcp", "2376/tcp");
        StepSpec cert = plan.step(StepId.of("cluster-cert@cluster-service"));
        assertThat(cert.target()).isEqualTo("orchestrator");
        assertThat(cert.inputs().get("usage").asString()).isEqualTo("CLIENT");
        StepSpec web = plan.step(StepId.of("service-web@cluster-service"));
        assertThat(web.target()).isEqualTo("cluster-service");
        assertThat(web.inputs().get("manager").asString()).isEqualTo("10.79.0.11:2376");
        assertThat(web.dependsOn()).contains(StepId.of("swarm-join@worker1"), StepId.of("swarm-join@worker2"),
                StepId.of("cluster-client@cluster-service"), StepId.of("availability-worker2@cluster-service"));
        assertThat(plan.step(StepId.of("availability-worker2@cluster-service")).compensation().inputs().toString()).contains("previous");
        Plan scale = SwarmPlans.scale(lab, "web", 5);
        assertThat(scale.steps()).singleElement().satisfies(s -> {
            assertThat(s.commandType()).isEqualTo("cluster.ScaleService");
            assertThat(s.inputs().get("replicas").asInt()).isEqualTo(5);
        });
        assertThatThrownBy(() -> SwarmPlans.scale(lab, "nope", 1)).hasMessageContaining("no swarm service 'nope'");
    }

    @Test
    void theTp1StackIsBuiltThenDeployedAndPrometheusScrapesEveryNode() throws IOException {
        Path file = Path.of("..", "examples", "swarm-lab.yaml");
        String yaml = Files.readString(file) + """
                  availability: {worker2: drain}
                """;
        Lab lab = Features.PARSER.read(yaml, LabFiles.collect(file, Features.PARSER.read(yaml))).lab();
        Plan plan = Planners.all().plan(lab);
        assertThat(plan.step(StepId.of("swarm-init@manager1")).inputs().get("defaultAddrPool").toString()).contains("10.200.0.0/16");
        // the README's scale command: a stack's service by the name Docker gives it, read from the compose file
        assertThat(SwarmPlans.scale(lab, "tp1_web", 5).steps()).singleElement()
                .satisfies(s -> assertThat(s.inputs().get("name").asString()).isEqualTo("tp1_web"));
        assertThatThrownBy(() -> SwarmPlans.scale(lab, "web", 5)).hasMessageContaining("no swarm service 'web'")
                .hasMessageContaining("[tp1_nginx, tp1_redis, tp1_web]").hasMessageContaining("STACK_SERVICE");

        StepSpec build = plan.step(StepId.of("stack-build-tp1@manager1"));
        assertThat(build.commandType()).isEqualTo("agent.BuildStack");
        assertThat(build.dependsOn()).contains(StepId.of("registry@manager1"), StepId.of("registry-ca@manager1"));
        assertThat(build.inputs().get("files").has("web/app.py")).isTrue();
        // the images go to the lab's registry: REGISTRY is set from the lab unless the stack sets it
        assertThat(build.inputs().get("env").get("REGISTRY").asString()).isEqualTo("manager1.swarm.test:5000");
        assertThat(build.inputs().get("env").get("PYTHON_IMAGE").asString()).isEqualTo("labforge/python:bookworm");

        StepSpec deploy = plan.step(StepId.of("stack-tp1@manager1"));
        assertThat(deploy.commandType()).isEqualTo("agent.DeployStack");
        assertThat(deploy.dependsOn()).contains(build.id(), StepId.of("swarm-join@worker1"), StepId.of("swarm-join@worker2"),
                StepId.of("availability-worker2@cluster-service"));
        assertThat(deploy.compensation().commandType()).isEqualTo("agent.RemoveStack");
        assertThat(deploy.compensation().inputs().toString()).contains("created");

        StepSpec prom = plan.step(StepId.of("service-prometheus@cluster-service"));
        JsonNode svc = prom.inputs().get("service");
        assertThat(svc.get("image").asString()).isEqualTo("labforge/prometheus:bookworm");
        assertThat(svc.get("constraints").get(0).asString()).isEqualTo("node.hostname == manager1");
        assertThat(svc.get("ports").get(0).asString()).isEqualTo("9090:9090");
        assertThat(svc.get("publishMode").asString()).isEqualTo("host");
        String config = svc.get("files").get("/etc/prometheus/prometheus.yml").asString();
        assertThat(config).contains("'10.79.0.11:9323'", "'10.79.0.12:9323'", "'10.79.0.13:9323'", "node: 'worker2'");
        assertThat(prom.compensation().commandType()).isEqualTo("cluster.RemoveService");
        // it is valid YAML with one target per node
        Object parsed = new Yaml().load(config);
        assertThat(parsed.toString()).contains("job_name=docker");
    }

    @Test
    void theGitlabHostGetsItsCertificateWhereOmnibusLooksAndTheHookAfterIt() throws IOException {
        Plan plan = Planners.all().plan(lab("reference-lab.yaml"));
        StepSpec key = plan.step(StepId.of("gitlab-tls-key@gitlab"));
        assertThat(key.inputs().get("dir").asString()).isEqualTo("/etc/gitlab/ssl");
        assertThat(key.inputs().get("keyFile").asString()).isEqualTo("gitlab.tp2.lab.key");
        assertThat(key.compensation().inputs().get("keyFile").asString()).isEqualTo("gitlab.tp2.lab.key");
        StepSpec sign = plan.step(StepId.of("gitlab-tls-cert@gitlab"));
        assertThat(sign.inputs().get("dnsNames").toString()).contains("gitlab.tp2.lab", "\"gitlab\"");
        assertThat(plan.step(StepId.of("gitlab-tls-files@gitlab")).inputs().get("files").properties().stream().map(Map.Entry::getKey)
                .toList()).containsExactlyInAnyOrder("gitlab.tp2.lab.crt", "labforge-ca.crt");
        StepSpec hooks = plan.step(StepId.of("gitlab-hooks@gitlab"));
        assertThat(hooks.dependsOn()).containsExactly(StepId.of("gitlab-tls-files@gitlab"));
        assertThat(hooks.inputs().get("hooksDir").asString()).isEqualTo("/var/opt/gitlab/gitaly/custom_hooks");
        assertThat(hooks.compensation().commandType()).isEqualTo("agent.RemoveGitlabHooks");
        // every host trusts the lab's CA: its CA store, then its Docker for GitLab's registry
        for (String host : List.of("gitlab", "swarm2", "k8s1")) {
            StepSpec store = plan.step(StepId.of("gitlab-ca@" + host));
            assertThat(store.commandType()).isEqualTo("agent.TrustCa");
            assertThat(store.inputs().toString()).contains("gitlab-tls-cert@gitlab#ca");
            assertThat(store.compensation().inputs().toString()).contains("previous");
            assertThat(plan.step(StepId.of("gitlab-registry-ca@" + host)).inputs().toString()).contains("gitlab.tp2.lab:5050");
        }
    }

    @Test
    void gitlabIsInstalledWhenItsConfigIsRenderedThenReadyThenProjectsAndRunnersGoThroughGitlabServiceWithSecretsAsReferences() throws IOException {
        Plan plan = Planners.all().plan(lab("reference-lab.yaml"));
        StepSpec config = plan.step(StepId.of("gitlab-config@gitlab-service"));
        assertThat(config.commandType()).isEqualTo("gitlab.RenderGitlabConfig");
        StepSpec pw = plan.step(StepId.of("secret-gitlab-root-password@orchestrator"));
        assertThat(pw.inputs().get("name").asString()).isEqualTo("GITLAB_ROOT_PASSWORD");
        StepSpec install = plan.step(StepId.of("gitlab-install@gitlab"));
        assertThat(install.commandType()).isEqualTo("agent.InstallGitlab");
        assertThat(install.dependsOn()).contains(StepId.of("gitlab-hooks@gitlab"), config.id(), pw.id());
        assertThat(install.inputs().get("gitlabRb").toString()).isEqualTo("{\"$ref\":\"gitlab-config@gitlab-service#gitlabRb\"}");
        assertThat(install.inputs().get("rootPassword").toString()).isEqualTo("{\"$ref\":\"secret-gitlab-root-password@orchestrator#value\"}");
        assertThat(install.compensation().commandType()).isEqualTo("agent.StopGitlab");
        StepSpec ready = plan.step(StepId.of("gitlab-ready@gitlab-service"));
        assertThat(ready.dependsOn()).containsExactly(install.id());
        assertThat(ready.inputs().get("url").asString()).isEqualTo("https://gitlab.tp2.lab");
        // no token in the lab: Labforge makes one on the GitLab host once GitLab answers; revoked on undo
        StepSpec token = plan.step(StepId.of("gitlab-token@gitlab"));
        assertThat(token.dependsOn()).containsExactly(ready.id());
        assertThat(token.compensation().commandType()).isEqualTo("agent.RevokeGitlabToken");
        for (String p : List.of("sleepytest", "http-server")) {
            StepSpec project = plan.step(StepId.of("gitlab-project-" + p + "@gitlab-service"));
            assertThat(project.inputs().get("token").toString()).isEqualTo("{\"$ref\":\"gitlab-token@gitlab#token\"}");
            assertThat(project.inputs().get("caPem").toString()).contains("gitlab-tls-cert@gitlab#ca");
            assertThat(project.compensation().commandType()).isEqualTo("gitlab.RemoveProject");
            assertThat(project.compensation().inputs().toString()).contains("self#projectId", "self#created", "gitlab-token@gitlab#token");
        }
        // R9: created through the API, then registered on its host with the token GitLab gave
        StepSpec created = plan.step(StepId.of("gitlab-runner-gitlab-docker@gitlab-service"));
        assertThat(created.inputs().get("tags").toString()).isEqualTo("[\"docker\"]");
        assertThat(created.compensation().commandType()).isEqualTo("gitlab.DeleteRunner");
        StepSpec registered = plan.step(StepId.of("runner-gitlab-docker@gitlab"));
        assertThat(registered.dependsOn()).contains(created.id());
        assertThat(registered.inputs().get("runnerToken").toString()).isEqualTo("{\"$ref\":\"gitlab-runner-gitlab-docker@gitlab-service#runnerToken\"}");
        assertThat(registered.inputs().get("extraHosts").toString()).isEqualTo("[\"gitlab.tp2.lab:192.168.56.10\"]");
        assertThat(registered.compensation().commandType()).isEqualTo("agent.UnregisterRunner");
        assertThat(plan.step(StepId.of("runner-gitlab-shell@gitlab")).inputs().get("executor").asString()).isEqualTo("shell");
        // R7: pushed from the GitLab host once the project exists, under the project's path
        StepSpec push = plan.step(StepId.of("gitlab-image-http-server-base@gitlab"));
        assertThat(push.commandType()).isEqualTo("agent.PushImage");
        assertThat(push.dependsOn()).contains(StepId.of("gitlab-project-http-server@gitlab-service"), StepId.of("gitlab-registry-ca@gitlab"));
        assertThat(push.inputs().get("registry").asString()).isEqualTo("gitlab.tp2.lab:5050");
        assertThat(push.inputs().get("projectPath").toString()).contains("gitlab-project-http-server@gitlab-service#path");
        assertThat(push.inputs().get("token").toString()).contains("gitlab-token@gitlab#token");
        // no secret value anywhere in the plan: only references to the steps that hold them
        assertThat(plan.steps().toString()).doesNotContain("glpat-").doesNotContain("glrt-");
    }

    @Test
    void theGitlabHostOpensHttpHttpsItsUrlsPortAndTheRegistryWithoutTheLabSayingSo() {
        Lab lab = Features.PARSER.parse("""
                apiVersion: labforge/v1
                kind: Lab
                name: g
                domain: g.test
                hosts:
                  - {name: gitlab, address: 10.1.0.10}
                  - {name: other, address: 10.1.0.11}
                gitlab: {host: gitlab, externalUrl: 'https://gitlab.g.test:8443', registryPort: 5050}
                """, "g.yaml");
        Plan plan = Planners.all().plan(lab);
        JsonNode fw = plan.step(StepId.of("firewall@gitlab")).inputs();
        assertThat(fw.get("services").toString()).isEqualTo("[\"http\",\"https\"]");
        assertThat(fw.get("ports").toString()).contains("8443/tcp", "5050/tcp");
        assertThat(plan.steps()).noneMatch(st -> st.id().value().equals("firewall@other"));
    }

    @Test
    void gitlabsOwnTlsFilesReplaceTheLabCasAndItsKeyIsASecretReference() {
        KeyPair caKey = Pki.newKey();
        var ca = Pki.newCa(caKey, "school CA", Duration.ofDays(30));
        KeyPair key = Pki.newKey();
        String cert = Pki.pem(Pki.sign(Pki.csr(key, "g"), ca,
                caKey.getPrivate(), "g", List.of("gitlab.g.test"), List.of(), Pki.Usage.SERVER, Duration.ofDays(30)));
        String caPem = Pki.pem(ca);
        Lab lab = Features.PARSER.read("""
                apiVersion: labforge/v1
                kind: Lab
                name: g
                domain: g.test
                hosts:
                  - {name: gitlab, address: 10.1.0.10}
                gitlab:
                  host: gitlab
                  externalUrl: https://gitlab.g.test
                  tls: {certificate: gitlab.crt, ca: ca.crt, key: {secret: GITLAB_TLS_KEY}}
                  projects: [sleepytest]
                """, java.util.Map.of("gitlab.crt", cert, "ca.crt", caPem)).lab();
        Plan plan = Planners.all().plan(lab);
        assertThat(plan.steps()).noneMatch(st -> st.id().value().equals("gitlab-tls-cert@gitlab"));
        StepSpec key2 = plan.step(StepId.of("gitlab-tls-key@gitlab"));
        assertThat(key2.commandType()).isEqualTo("agent.InstallTlsKey");
        assertThat(key2.inputs().get("keyPem").toString()).isEqualTo("{\"$ref\":\"secret-gitlab-tls-key@orchestrator#value\"}");
        assertThat(key2.inputs().get("keyFile").asString()).isEqualTo("gitlab.g.test.key");
        assertThat(key2.compensation().inputs().get("keyPem").toString()).contains("self#previous");
        StepSpec files = plan.step(StepId.of("gitlab-tls-files@gitlab"));
        assertThat(files.inputs().get("files").get("gitlab.g.test.crt").asString()).isEqualTo(cert);
        assertThat(plan.step(StepId.of("gitlab-ready@gitlab-service")).inputs().get("caPem").asString()).isEqualTo(caPem);
        assertThat(plan.step(StepId.of("gitlab-ca@gitlab")).inputs().get("caPem").asString()).isEqualTo(caPem);
        assertThat(plan.steps().toString()).doesNotContain("PRIVATE KEY");
    }

    @Test
    void anExistingGitlabIsNeitherInstalledNorStoppedAndItsTokenIsALabSecret() {
        Lab lab = Features.PARSER.parse("""
                apiVersion: labforge/v1
                kind: Lab
                name: school
                domain: school.test
                hosts:
                  - {name: runner1, address: 10.1.0.11}
                gitlab:
                  host: runner1
                  install: existing
                  externalUrl: https://gitlab.school.test
                  token: {secret: SCHOOL_GITLAB_TOKEN}
                  runners: [{host: runner1, executor: shell, tags: [shell]}]
                  projects: [sleepytest]
                """, "school.yaml");
        Plan plan = Planners.all().plan(lab);
        List<String> ids = plan.steps().stream().map(s -> s.id().value()).toList();
        assertThat(ids).noneMatch(id -> id.startsWith("gitlab-install") || id.startsWith("gitlab-tls") || id.startsWith("gitlab-hooks")
                || id.startsWith("gitlab-token"));
        assertThat(ids).contains("lab-ca@orchestrator", "secret-school-gitlab-token@orchestrator", "gitlab-ready@gitlab-service",
                "gitlab-project-sleepytest@gitlab-service", "gitlab-runner-runner1-shell@gitlab-service", "runner-runner1-shell@runner1");
        assertThat(plan.step(StepId.of("gitlab-project-sleepytest@gitlab-service")).inputs().get("token").toString())
                .isEqualTo("{\"$ref\":\"secret-school-gitlab-token@orchestrator#value\"}");
        assertThat(plan.step(StepId.of("gitlab-ready@gitlab-service")).inputs().get("caPem").toString()).contains("lab-ca@orchestrator#ca");

        // a school's GitLab with a public certificate: no CA to hand out, the system's trust
        Lab pub = Features.PARSER.parse("""
                apiVersion: labforge/v1
                kind: Lab
                name: school
                domain: school.test
                hosts:
                  - {name: runner1, address: 10.1.0.11}
                gitlab:
                  host: runner1
                  install: existing
                  tls: public
                  externalUrl: https://gitlab.example.org
                  token: {secret: SCHOOL_GITLAB_TOKEN}
                  runners: [{host: runner1, executor: shell, tags: [shell]}]
                """, "school.yaml");
        Plan p2 = Planners.all().plan(pub);
        assertThat(p2.steps()).noneMatch(st -> st.id().value().startsWith("lab-ca") || st.id().value().startsWith("gitlab-ca@"));
        assertThat(p2.step(StepId.of("gitlab-ready@gitlab-service")).inputs().get("caPem").isNull()).isTrue();
        assertThat(p2.step(StepId.of("runner-runner1-shell@runner1")).inputs().get("caPem").isNull()).isTrue();
    }

    @Test
    void kernelParametersAreSetInTheHostsChainAfterItsFirewallAndUndoneFromWhatTheStepFound() throws IOException {
        Plan plan = Planners.all().plan(lab("reference-lab.yaml"));
        StepSpec sysctl = plan.step(StepId.of("sysctl@k8s1"));
        assertThat(sysctl.commandType()).isEqualTo("agent.SetSysctls");
        // the lab names none: Kubernetes' own (R24)
        assertThat(sysctl.inputs().get("values").get("net.ipv4.ip_forward").asString()).isEqualTo("1");
        assertThat(sysctl.inputs().get("values").get("net.bridge.bridge-nf-call-iptables").asString()).isEqualTo("1");
        assertThat(plan.ancestors(StepId.of("sysctl@k8s1"))).contains(StepId.of("firewall@k8s1"));
        assertThat(sysctl.compensation().inputs().toString()).contains("self#previousFile", "self#previous");
        assertThat(plan.has(StepId.of("sysctl@swarm1"))).as("the swarm's hosts set none").isFalse();
    }

    @Test
    void aKubernetesNodeIsPreparedInItsChainModulesBeforeTheSysctlsThatNeedThemAndOpensWhatItsRoleNeeds() throws IOException {
        Plan plan = Planners.all().plan(lab("reference-lab.yaml"));
        for (String node : List.of("k8s1", "k8s2")) {
            assertThat(plan.step(StepId.of("swap-off@" + node)).dependsOn()).containsExactly(StepId.of("firewall@" + node));
            assertThat(plan.step(StepId.of("kernel-modules@" + node)).dependsOn()).containsExactly(StepId.of("swap-off@" + node));
            assertThat(plan.step(StepId.of("containerd@" + node)).dependsOn()).containsExactly(StepId.of("kernel-modules@" + node));
            assertThat(plan.step(StepId.of("sysctl@" + node)).dependsOn()).containsExactly(StepId.of("containerd@" + node));
            assertThat(plan.inputsOf(StepId.of("kernel-modules@" + node)).get("modules").toString()).isEqualTo("[\"overlay\",\"br_netfilter\"]");
            assertThat(plan.inputsOf(StepId.of("containerd@" + node)).get("cniBinDir").asString()).isEqualTo("/opt/cni/bin");
            assertThat(plan.inputsOf(StepId.of("firewall@" + node)).get("ports").toString())
                    .contains("10250/tcp", "30000-32767/tcp", "179/tcp", "4789/udp", "5473/tcp");
        }
        assertThat(plan.inputsOf(StepId.of("firewall@k8s1")).get("ports").toString()).contains("6443/tcp", "2379-2380/tcp", "10257/tcp");
        assertThat(plan.inputsOf(StepId.of("firewall@k8s2")).get("ports").toString()).doesNotContain("6443/tcp", "2379-2380/tcp");
        assertThat(plan.has(StepId.of("swap-off@swarm1"))).isFalse();
        // undone from what each step found
        StepSpec swap = plan.step(StepId.of("swap-off@k8s1"));
        assertThat(swap.compensation().commandType()).isEqualTo("agent.RestoreSwap");
        assertThat(swap.compensation().inputs().toString()).contains("self#masked", "self#commented");
        assertThat(plan.step(StepId.of("containerd@k8s1")).compensation().inputs().toString()).contains("self#previousConfig", "self#changed");
    }

    @Test
    void theClusterIsMadeAfterEachNodesChainAndEachWorkerJoinsWithAFreshSecretTokenAndTheInitsCaHash() throws IOException {
        Plan plan = Planners.all().plan(lab("reference-lab.yaml"));
        StepSpec pkgs = plan.step(StepId.of("k8s-packages@k8s2"));
        assertThat(pkgs.inputs().get("version").asString()).isEqualTo("1.35");
        assertThat(plan.ancestors(StepId.of("k8s-packages@k8s2"))).contains(StepId.of("sysctl@k8s2"), StepId.of("containerd@k8s2"));
        StepSpec init = plan.step(StepId.of("kubeadm-init@k8s1"));
        assertThat(init.dependsOn()).contains(StepId.of("k8s-packages@k8s1"));
        assertThat(init.inputs().get("podSubnet").asString()).isEqualTo("10.244.0.0/16");
        assertThat(init.inputs().get("api").asString()).isEqualTo("kubeadm.k8s.io/v1beta4");
        assertThat(init.compensation().commandType()).isEqualTo("agent.KubeadmReset");
        StepSpec token = plan.step(StepId.of("join-token-k8s2@k8s1"));
        assertThat(token.target()).isEqualTo("k8s1");
        assertThat(token.dependsOn()).containsExactly(StepId.of("kubeadm-init@k8s1"));
        StepSpec join = plan.step(StepId.of("kubeadm-join@k8s2"));
        assertThat(join.dependsOn()).contains(StepId.of("join-token-k8s2@k8s1"), StepId.of("k8s-packages@k8s2"));
        assertThat(join.inputs().get("token").toString()).contains("join-token-k8s2@k8s1#token");
        assertThat(join.inputs().get("caCertHash").toString()).contains("kubeadm-init@k8s1#caCertHash");
        assertThat(join.inputs().get("apiServer").toString()).contains("kubeadm-init@k8s1#apiServer");
        assertThat(join.compensation().inputs().toString()).contains("self#joined");
    }

    @Test
    void aLabThatLeavesKubeadmToItsStudentsStopsAtTheNodesOrThePackages() throws IOException {
        String ref = Files.readString(Path.of("..", "examples", "reference-lab.yaml"));
        Plan nodes = Planners.all().plan(Features.PARSER.parse(ref.replace("  workers: [k8s2]", "  workers: [k8s2]\n  scope: nodes"), "r.yaml"));
        assertThat(nodes.has(StepId.of("containerd@k8s2"))).isTrue();
        assertThat(nodes.has(StepId.of("k8s-packages@k8s2"))).isFalse();
        Plan pkgs = Planners.all().plan(Features.PARSER.parse(ref.replace("  workers: [k8s2]", "  workers: [k8s2]\n  scope: packages"), "r.yaml"));
        assertThat(pkgs.has(StepId.of("k8s-packages@k8s2"))).isTrue();
        assertThat(pkgs.has(StepId.of("kubeadm-init@k8s1"))).isFalse();
        assertThat(pkgs.has(StepId.of("kubeadm-join@k8s2"))).isFalse();
    }

    @Test
    void calicosMovedVxlanPortIsWhatTheNodesOpen() throws IOException {
        Lab lab = Features.PARSER.parse(Files.readString(Path.of("..", "examples", "reference-lab.yaml"))
                .replace("  calico: {}", "  calico: {vxlanPort: 4790}"), "ref.yaml");
        Plan plan = Planners.all().plan(lab);
        assertThat(plan.inputsOf(StepId.of("firewall@k8s2")).get("ports").toString()).contains("4790/udp").doesNotContain("4789/udp");
    }

    @Test
    void theAddOnsComeThroughClusterServiceOnTheClustersOwnCredentialsAndAreUndoneByWhatTheyCreated() throws IOException {
        Plan plan = Planners.all().plan(lab("reference-lab.yaml"));
        StepSpec sign = plan.step(StepId.of("k8s-client@k8s1"));
        assertThat(sign.commandType()).isEqualTo("agent.SignKubernetesClient");
        assertThat(sign.dependsOn()).contains(StepId.of("cluster-key@cluster-service"), StepId.of("kubeadm-init@k8s1"));
        assertThat(sign.inputs().get("group").asString()).isEqualTo("kubeadm:cluster-admins");
        assertThat(plan.steps().stream().filter(s -> s.id().equals(StepId.of("cluster-key@cluster-service")))).hasSize(1);
        assertThat(plan.inputsOf(StepId.of("k8s-credentials@cluster-service")).toString()).contains("k8s-client@k8s1#server",
                "k8s-client@k8s1#certificate", "k8s-client@k8s1#ca");

        assertThat(plan.inputsOf(StepId.of("tigera-operator@cluster-service")).get("url").asString())
                .isEqualTo(KubernetesAddons.CALICO_OPERATOR);
        StepSpec calico = plan.step(StepId.of("calico@cluster-service"));
        assertThat(calico.dependsOn()).contains(StepId.of("tigera-operator@cluster-service"), StepId.of("kubeadm-join@k8s2"));
        assertThat(calico.inputs().get("content").asString()).contains("kind: Installation", "cidr: 10.244.0.0/16")
                .doesNotContain("FelixConfiguration");
        assertThat(calico.inputs().get("ready").toString()).contains("TigeraStatus", "Available");
        assertThat(calico.compensation().commandType()).isEqualTo("cluster.DeleteObjects");
        assertThat(calico.compensation().inputs().toString()).contains("self#created");

        assertThat(plan.step(StepId.of("headlamp-access@cluster-service")).inputs().get("content").asString())
                .contains("name: cluster-admin", "kind: ServiceAccount", "nodePort: 30443");
        StepSpec token = plan.step(StepId.of("headlamp-token@k8s1"));
        assertThat(token.dependsOn()).contains(StepId.of("headlamp-access@cluster-service"));
        assertThat(token.compensation().inputs().get("hours").asInt()).isZero();

        assertThat(plan.inputsOf(StepId.of("kubeadm-init@k8s1")).get("servingCertificates").asBoolean()).isTrue();
        assertThat(plan.step(StepId.of("kubelet-certs@cluster-service")).dependsOn()).contains(StepId.of("kubeadm-join@k8s2"));
        assertThat(plan.step(StepId.of("metrics-server@cluster-service")).dependsOn()).containsExactly(StepId.of("kubelet-certs@cluster-service"));
        assertThat(plan.inputsOf(StepId.of("test-app@cluster-service")).get("content").asString()).contains("nodePort: 30080", "replicas: 2");

        Lab moved = Features.PARSER.parse(Files.readString(Path.of("..", "examples", "reference-lab.yaml"))
                .replace("  calico: {}", "  calico: {vxlanPort: 4790}"), "ref.yaml");
        assertThat(Planners.all().plan(moved).inputsOf(StepId.of("calico@cluster-service")).get("content").asString())
                .contains("kind: FelixConfiguration", "vxlanPort: 4790");
    }

    @Test
    void aClusterWithoutCalicoGetsNoAddOnsAndNoServingCertificates() throws IOException {
        Lab lab = Features.PARSER.parse(Files.readString(Path.of("..", "examples", "kubernetes-lab.yaml")), "k.yaml");
        Plan plan = Planners.all().plan(lab);
        assertThat(plan.has(StepId.of("kubeadm-init@k8s1"))).isTrue();
        assertThat(plan.steps()).noneMatch(s -> s.target().equals("cluster-service"));
        assertThat(plan.inputsOf(StepId.of("kubeadm-init@k8s1")).get("servingCertificates").asBoolean()).isFalse();
    }

    @Test
    void stepsComeInDependencyOrder() throws IOException {
        Plan plan = Planners.all().plan(lab("reference-lab.yaml"));
        List<StepId> order = plan.steps().stream().map(StepSpec::id).toList();
        for (StepSpec s : plan.steps()) {
            for (StepId d : s.dependsOn()) {
                assertThat(order.indexOf(d)).as(s.id() + " after " + d).isLessThan(order.indexOf(s.id()));
            }
        }
    }

    @Test
    void everyHostsFileSharesTheOneHostsListThePlanHolds() throws IOException {
        Plan plan = Planners.all().plan(lab("local-lab.yaml"));

        // each step refers to the list; the plan holds it once
        for (String host : List.of("node1", "node2", "node3")) {
            assertThat(plan.inputsOf(StepId.of("hosts-file@" + host)).get("entries")).isEqualTo(Refs.shared(HostPlanner.HOSTS_ENTRIES));
        }
        assertThat(plan.shared()).containsOnlyKeys(HostPlanner.HOSTS_ENTRIES);
        JsonNode resolved = Refs.resolve(plan.inputsOf(StepId.of("hosts-file@node1")), plan.shared(), (step, out) -> Optional.empty());
        assertThat(resolved.get("entries")).hasSize(3);
        assertThat(resolved.get("entries").get(1).get("address").asString()).isEqualTo("10.77.0.12");
        assertThat(resolved.get("entries").get(1).get("names").toString()).isEqualTo("[\"node2.lab.test\",\"node2\"]");
    }

    @Test
    void aSharedValueMustBeHeldByThePlanAndFitTheComponentItFills() {
        StepSpec uses = step("a", List.of(), Json.object().set("entries", Refs.shared("nope")));
        assertThatThrownBy(() -> Plan.of(List.of(uses))).hasMessageContaining("a uses the shared value nope, which the plan does not hold");
        assertThatThrownBy(() -> Refs.resolve(uses.inputs(), Map.of(), (s, o) -> Optional.empty())).isInstanceOf(Refs.UnresolvedRef.class);
    }

    @Test
    void planningAClassIsLinearInItsSize() {
        // 2,000 hosts: 2 steps each for host basics, one dependency each, one shared list of 2,000 entries
        StringBuilder yaml = new StringBuilder("apiVersion: labforge/v1\nkind: Lab\nname: big\ndomain: big.test\nhosts:\n");
        for (int i = 0; i < 2000; i++) {
            yaml.append("  - {name: h").append(i).append(", address: 10.1.").append(i / 250).append('.').append(i % 250 + 1).append("}\n");
        }
        Plan plan = Planners.all().plan(Features.PARSER.parse(yaml.toString(), "big.yaml"));
        assertThat(plan.steps().stream().mapToInt(s -> s.dependsOn().size()).sum()).isLessThanOrEqualTo(2 * plan.steps().size());
        assertThat(plan.shared().get(HostPlanner.HOSTS_ENTRIES)).hasSize(2000);
        assertThat(plan.steps().stream().mapToInt(s -> s.inputs().toString().length()).max().orElseThrow()).as("no step carries the list")
                .isLessThan(1000);
    }

    @Test
    void daemonSettingsAndFirewallComeFromRolesAndHost() throws IOException {
        Plan plan = Planners.all().plan(lab("local-lab.yaml"));

        assertThat(Json.canonical(plan.inputsOf(StepId.of("docker-daemon@node3"))))
                .contains("\"insecure-registries\":[\"node1.lab.test:5000\"]", "\"metrics-addr\":\"0.0.0.0:9323\"",
                        "\"hosts\":[\"unix:///var/run/docker.sock\",\"tcp://0.0.0.0:2376\"]", "\"tlsverify\":true");
        assertThat(plan.inputsOf(StepId.of("firewall@node1")).get("services").get(0).asString()).isEqualTo("ssh");
    }

    @Test
    void refusesCyclesAndReferencesToNonAncestors() {
        StepSpec a = step("a", List.of("b"), Json.object());
        StepSpec b = step("b", List.of("a"), Json.object());
        assertThatThrownBy(() -> Plan.of(List.of(a, b))).hasMessageContaining("cycle");

        StepSpec c = step("c", List.of(), Json.object());
        StepSpec d = step("d", List.of(), Json.object().set("x", Refs.ref("c", "out")));
        assertThatThrownBy(() -> Plan.of(List.of(c, d))).hasMessageContaining("without depending on it");
    }

    static StepSpec step(String id, List<String> deps, ObjectNode inputs) {
        return new StepSpec(StepId.of(id), "agent.Noop", "h", inputs, deps.stream().map(StepId::of).toList(),
                Duration.ofSeconds(1), StepSpec.RetryPolicy.NONE, null);
    }
}
