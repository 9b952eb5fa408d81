package io.labforge.common.lab.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.features.Features;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabError;
import io.labforge.common.lab.LabValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code kubernetes:} section and its preflight: what would leave a cluster that cannot work is refused
 * when the lab is read (by {@code validate} and {@code plan}, before any change), each error at its field
 * with a fix that would pass.
 */
class KubernetesPreflightTest {
    static final String HEAD = """
            apiVersion: labforge/v1
            kind: Lab
            name: k
            domain: k.lab
            hosts:
              - {name: cp, address: 192.168.56.31}
              - {name: w1, address: 192.168.56.32}
              - {name: s1, address: 192.168.56.21}
            """;

    static List<LabError> errors(String lab) {
        return Features.PARSER.read(lab).errors();
    }

    static LabError only(String lab) {
        List<LabError> e = errors(lab);
        assertThat(e).as(e.toString()).hasSize(1);
        return e.get(0);
    }

    static KubernetesSpec spec(String lab) {
        return KubernetesSpec.of(Features.PARSER.parse(lab, "k.yaml"));
    }

    @Test
    void defaultsArePinnedAndTheKubeadmApiFollowsTheVersion() {
        KubernetesSpec k = spec(HEAD + "kubernetes: {controlPlane: cp, workers: [w1], podNetworkCidr: 10.244.0.0/16}\n");
        assertThat(k.version()).isEqualTo(KubernetesSpec.DEFAULT_VERSION);
        assertThat(k.serviceCidr()).isEqualTo("10.96.0.0/12");
        assertThat(k.vxlanPort()).isEqualTo(4789);
        assertThat(k.kubeadmApi()).isEqualTo("kubeadm.k8s.io/v1beta4");
        assertThat(k.nodes()).containsExactly("cp", "w1");
        assertThat(spec(HEAD + "kubernetes: {controlPlane: cp, version: '1.30', podNetworkCidr: 10.244.0.0/16}\n").kubeadmApi())
                .isEqualTo("kubeadm.k8s.io/v1beta3");
    }

    @Test
    void aPodNetworkHoldingTheLabsHostsIsRefusedWithANetworkClearOfEverything() {
        // Calico's default pool 192.168.0.0/16 holds the hosts' 192.168.56.0/24
        LabError e = only(HEAD + "kubernetes: {controlPlane: cp}\n");
        assertThat(e.path()).isEqualTo("kubernetes.podNetworkCidr");
        assertThat(e.message()).contains("192.168.56.31", "192.168.0.0/16");
        assertThat(e.fix()).contains("e.g. 10.244.0.0/16");
        assertThat(errors(HEAD + "kubernetes: {controlPlane: cp, podNetworkCidr: 10.244.0.0/16}\n")).isEmpty();
    }

    @Test
    void aServiceNetworkHoldingAHostOrOverlappingThePodNetworkIsRefused() {
        assertThat(only(HEAD + "kubernetes: {controlPlane: cp, podNetworkCidr: 10.244.0.0/16, serviceCidr: 192.168.56.0/24}\n").path())
                .isEqualTo("kubernetes.serviceCidr");
        LabError overlap = only(HEAD + "kubernetes: {controlPlane: cp, podNetworkCidr: 10.96.0.0/16}\n");
        assertThat(overlap.path()).isEqualTo("kubernetes.podNetworkCidr");
        assertThat(overlap.message()).contains("overlaps the service network 10.96.0.0/12");
    }

    @Test
    void swarmsAddressPoolMustStayApartOnlyOnHostsInBothClusters() {
        // a host in both, the swarm on Docker's default pool 10.0.0.0/8: the pod network 10.244.0.0/16 lies in it
        String both = HEAD + """
                swarm: {managers: [cp], dataPathPort: 4790}
                kubernetes: {controlPlane: cp, podNetworkCidr: 10.244.0.0/16, serviceCidr: 172.20.0.0/16, calico: {}}
                """;
        LabError e = only(both);
        assertThat(e.path()).isEqualTo("kubernetes.podNetworkCidr");
        assertThat(e.message()).contains("Swarm's address pool 10.0.0.0/8", "[cp]");
        assertThat(e.fix()).contains("swarm.defaultAddrPool");
        assertThat(errors(both.replace("dataPathPort: 4790}", "dataPathPort: 4790, defaultAddrPool: [10.200.0.0/16]}"))).isEmpty();
        // clusters on separate hosts: the pools never meet
        assertThat(errors(HEAD + """
                swarm: {managers: [s1]}
                kubernetes: {controlPlane: cp, podNetworkCidr: 10.244.0.0/16}
                """)).isEmpty();
    }

    @Test
    void swarmAndCalicoOnOneHostMustNotShareAVxlanPortAndEitherMayMove() {
        String lab = HEAD + """
                swarm: {managers: [cp], defaultAddrPool: [10.200.0.0/16]}
                kubernetes: {controlPlane: cp, podNetworkCidr: 10.244.0.0/16, calico: {}}
                """;
        LabError e = only(lab);
        assertThat(e.path()).isEqualTo("swarm.dataPathPort");
        assertThat(e.message()).contains("UDP 4789");
        assertThat(e.fix()).contains("kubernetes.calico.vxlanPort", "swarm.dataPathPort");
        assertThat(errors(lab.replace("calico: {}", "calico: {vxlanPort: 4790}"))).isEmpty();
        assertThat(errors(lab.replace("managers: [cp],", "managers: [cp], dataPathPort: 4790,"))).isEmpty();
        // moving both onto one other port is the same clash
        assertThat(only(lab.replace("managers: [cp],", "managers: [cp], dataPathPort: 4790,")
                .replace("calico: {}", "calico: {vxlanPort: 4790}")).message()).contains("UDP 4790");
    }

    @Test
    void dockersForwardDropOnANodeWhosePodNetworkLabforgeDoesNotInstallIsOwnedUpTo() {
        // cp runs Docker (the swarm), w1 by its settings; s1 runs Docker but is no node
        String lab = (HEAD + """
                roles:
                  builder: {docker: {experimental: true}}
                swarm: {managers: [cp, s1], defaultAddrPool: [10.200.0.0/16], dataPathPort: 4790}
                kubernetes: {controlPlane: cp, workers: [w1], podNetworkCidr: 10.244.0.0/16}
                """).replace("{name: w1, address: 192.168.56.32}", "{name: w1, address: 192.168.56.32, roles: [builder]}");
        LabError e = only(lab);
        assertThat(e.path()).isEqualTo("kubernetes");
        assertThat(e.message()).contains("[cp, w1]", "FORWARD policy DROP", "no kubernetes.calico");
        assertThat(e.fix()).contains("kubernetes.calico: {}", "docker-forward-drop");
        // the fixes: Calico installed by Labforge, the risk owned up to, or no Docker on the nodes
        assertThat(errors(lab.replace("podNetworkCidr: 10.244.0.0/16}", "podNetworkCidr: 10.244.0.0/16, calico: {}}"))).isEmpty();
        assertThat(errors(lab.replace("domain: k.lab", "domain: k.lab\nacknowledge: [docker-forward-drop]"))).isEmpty();
        assertThat(errors(lab.replace("managers: [cp, s1]", "managers: [s1]").replace("roles: [builder]", "roles: []"))).isEmpty();
        // Calico named but not installed (scope nodes: no cluster, so no add-ons): still the lab's to own up to
        LabError nodes = only(lab.replace("podNetworkCidr: 10.244.0.0/16}", "podNetworkCidr: 10.244.0.0/16, scope: nodes, calico: {}}"));
        assertThat(nodes.message()).contains("scope nodes");
        assertThat(nodes.fix()).doesNotContain("kubernetes.calico").contains("docker-forward-drop");
        // a node with neither Docker settings nor a swarm role is not asked about
        assertThat(only(lab.replace("managers: [cp, s1]", "managers: [s1]")).message()).contains("[w1]").doesNotContain("cp");
    }

    @Test
    void aVersionPkgsK8sIoDoesNotServeOrAKubeadmApiItDoesNotReadIsRefused() {
        String base = HEAD + "kubernetes: {controlPlane: cp, podNetworkCidr: 10.244.0.0/16, %s}\n";
        assertThat(only(base.formatted("version: '1.23'")).fix()).contains("1.24 or later");
        assertThat(only(base.formatted("version: '1.30', kubeadmApiVersion: kubeadm.k8s.io/v1beta4")).fix())
                .contains("write kubeadm.k8s.io/v1beta3");
        assertThat(only(base.formatted("version: '1.36', kubeadmApiVersion: kubeadm.k8s.io/v1beta3")).fix())
                .contains("write kubeadm.k8s.io/v1beta4");
        assertThat(errors(base.formatted("version: '1.33', kubeadmApiVersion: kubeadm.k8s.io/v1beta3"))).isEmpty();
        assertThat(only(base.formatted("version: latest")).path()).isEqualTo("kubernetes.version");
        assertThat(only(base.formatted("kubeadmApiVersion: v1")).path()).isEqualTo("kubernetes.kubeadmApiVersion");
    }

    @Test
    void aNodesSysctlAgainstKubernetesIsRefusedNotOverridden() {
        String lab = HEAD.replace("- {name: w1, address: 192.168.56.32}", "- {name: w1, address: 192.168.56.32, sysctl: {net.ipv4.ip_forward: 0}}")
                + "kubernetes: {controlPlane: cp, workers: [w1], podNetworkCidr: 10.244.0.0/16}\n";
        LabError e = only(lab);
        assertThat(e.message()).contains("w1", "net.ipv4.ip_forward", "needs 1");
        assertThat(errors(lab.replace("net.ipv4.ip_forward: 0", "net.ipv4.ip_forward: 1"))).isEmpty();
    }

    @Test
    void theControlPlaneIsNotAlsoAWorkerAndNodesAreHostsOfTheLab() {
        assertThat(only(HEAD + "kubernetes: {controlPlane: cp, workers: [cp], podNetworkCidr: 10.244.0.0/16}\n").path())
                .isEqualTo("kubernetes.workers");
        assertThat(only(HEAD + "kubernetes: {controlPlane: cp, workers: [w2], podNetworkCidr: 10.244.0.0/16}\n").fix()).contains("w1");
    }

    @Test
    void theScopeIsTheWholeClusterUnlessTheLabStopsAtTheNodesOrThePackages() {
        String base = HEAD + "kubernetes: {controlPlane: cp, podNetworkCidr: 10.244.0.0/16%s}\n";
        assertThat(spec(base.formatted("")).scope()).isEqualTo(KubernetesSpec.Scope.CLUSTER);
        assertThat(spec(base.formatted(", scope: packages")).scope()).isEqualTo(KubernetesSpec.Scope.PACKAGES);
        LabError e = only(base.formatted(", scope: everything"));
        assertThat(e.path()).isEqualTo("kubernetes.scope");
        assertThat(e.fix()).contains("nodes, packages or cluster");
    }

    @Test
    void addOnsAreInstalledWhenNamedFromTheirPublishedManifestsAndNeedCalico() {
        String base = HEAD + "kubernetes:\n  controlPlane: cp\n  podNetworkCidr: 10.244.0.0/16\n";
        assertThat(spec(base).addons()).isEqualTo(new KubernetesAddons(null, null, null, null));
        KubernetesAddons a = spec(base + "  calico: {}\n  headlamp: {nodePort: 30443}\n  metricsServer: {}\n  testApp: {replicas: 3}\n").addons();
        assertThat(a.calicoOperator()).isEqualTo(KubernetesAddons.CALICO_OPERATOR);
        assertThat(a.headlamp()).isEqualTo(new KubernetesAddons.Headlamp(KubernetesAddons.HEADLAMP, 30443, 24));
        assertThat(a.metricsServer()).isEqualTo(KubernetesAddons.METRICS_SERVER);
        assertThat(a.testApp()).isEqualTo(new KubernetesAddons.TestApp(KubernetesAddons.TEST_APP_IMAGE, 3, 30080));
        assertThat(spec(base + "  calico: {operatorManifest: 'https://mirror.lab:8443/calico/v3.32.2/tigera-operator.yaml'}\n").addons()
                .calicoOperator()).isEqualTo("https://mirror.lab:8443/calico/v3.32.2/tigera-operator.yaml");
        // plain http: anyone on the way could change what is applied with cluster-admin rights
        String plain = base + "  calico: {operatorManifest: 'http://mirror.lab:8080/tigera-operator.yaml'}\n";
        LabError http = only(plain);
        assertThat(http.path()).isEqualTo("kubernetes.calico.operatorManifest");
        assertThat(http.fix()).contains("https", "plain-http-manifest");
        assertThat(errors("acknowledge: [plain-http-manifest]\n" + plain)).isEmpty();

        LabError noNetwork = only(base + "  headlamp: {}\n");
        assertThat(noNetwork.message()).contains("need the pod network (R26)");
        assertThat(noNetwork.fix()).contains("calico: {}");
        LabError port = only(base + "  calico: {}\n  testApp: {nodePort: 8080}\n");
        assertThat(port.path()).isEqualTo("kubernetes.testApp.nodePort");
        assertThat(port.fix()).contains("30000 to 32767");
        LabError clash = only(base + "  calico: {}\n  testApp: {}\n  headlamp: {nodePort: 30080}\n");
        assertThat(clash.message()).contains("both take node port 30080");
        LabError url = only(base + "  calico: {operatorManifest: 'file:///etc/passwd'}\n");
        assertThat(url.path()).isEqualTo("kubernetes.calico.operatorManifest");
        assertThat(url.fix()).contains(KubernetesAddons.CALICO_OPERATOR);
    }

    @Test
    void theReferenceLabPassesItsPreflight() throws IOException {
        Lab lab = Features.PARSER.parse(Files.readString(Path.of("..", "examples", "reference-lab.yaml")), "reference-lab.yaml");
        assertThat(KubernetesSpec.of(lab).podNetworkCidr()).isEqualTo("10.244.0.0/16");
    }

    @Test
    void aBadLabIsRefusedWhole() {
        try {
            Features.PARSER.parse(HEAD + "kubernetes: {controlPlane: cp}\n", "k.yaml");
            throw new AssertionError("parsed");
        } catch (LabValidationException e) {
            assertThat(e.getMessage()).contains("kubernetes.podNetworkCidr");
        }
    }
}
