package io.labforge.agent.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labforge.agent.executor.TestRoot;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.lab.kubernetes.InstallKubernetesPackages;
import io.labforge.common.lab.kubernetes.KubeadmInit;
import io.labforge.common.lab.kubernetes.KubeadmJoin;
import io.labforge.common.lab.kubernetes.KubeadmReset;
import io.labforge.common.lab.kubernetes.RemoveKubernetesPackages;
import io.labforge.common.lab.kubernetes.SignKubernetesClient;
import io.labforge.common.lab.kubernetes.WriteServiceAccountToken;
import io.labforge.common.tls.Pki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * R25 and R27 as the documentation says them: the apt repository's files, kubeadm's configuration read
 * back as YAML field by field, the discovery hash equal to what kubernetes.io's openssl pipeline prints,
 * init and join only once, the token in a root-only file, reset's clean-up. (With stand-ins on real hosts:
 * KubernetesClusterIT.)
 */
class KubeadmStepsTest {
    static final String HASH = "sha256:" + "ab".repeat(32);
    static final String TOKEN = "abcdef.0123456789abcdef";

    @TempDir
    Path dir;

    TestRoot root;

    @BeforeEach
    void hostRoot() {
        root = new TestRoot(dir);
    }

    KubeadmInit init(String api) {
        return new KubeadmInit(api, "k8s1", "10.83.0.11", "192.168.0.0/16", "10.96.0.0/12", "student", false);
    }

    @Test
    void theRepositoryIsPkgsK8sIosFlatRepositoryOfThePinnedMinorSignedByItsKeyring() throws IOException {
        InstallKubernetesPackages c = new InstallKubernetesPackages("1.35", null);
        assertThat(c.url()).isEqualTo("https://pkgs.k8s.io/core:/stable:/v1.35/deb/");
        Outcome out = new InstallKubernetesPackagesExecutor().apply(c, root.ctx());
        // kubernetes.io, "Installing kubeadm", Debian-based distributions
        assertThat(Files.readString(root.file("/etc/apt/sources.list.d/kubernetes.list"))).isEqualTo(
                "deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.35/deb/ /\n");
        assertThat(out.diff()).contains("apt-get install kubelet kubeadm kubectl", "apt-mark hold");
        assertThat(out.outputs().get("installed").toString()).isEqualTo("[\"kubelet\",\"kubeadm\",\"kubectl\"]");
        // a mirror laid out the same way
        assertThat(new InstallKubernetesPackages("1.35", "http://10.83.0.1:8080/core:/stable:/").url())
                .isEqualTo("http://10.83.0.1:8080/core:/stable:/v1.35/deb/");

        assertThat(new RemoveKubernetesPackagesExecutor().apply(new RemoveKubernetesPackages(List.of(), ""), root.ctx()).changed()).isTrue();
        assertThat(root.file("/etc/apt/sources.list.d/kubernetes.list")).doesNotExist();
    }

    @Test
    void installedPackagesOfThePinnedMinorAreLeftAndOfAnotherMinorRefused() throws IOException {
        StringBuilder status = new StringBuilder();
        for (String p : List.of("kubelet", "kubeadm", "kubectl")) {
            status.append("Package: ").append(p).append("\nStatus: install ok installed\nVersion: 1.35.0-1.1\n\n");
        }
        root.write("/var/lib/dpkg/status", status.toString());
        root.write("/etc/apt/sources.list.d/kubernetes.list", AptRepository.list(new InstallKubernetesPackages("1.35", null).url()));
        root.write("/etc/apt/keyrings/kubernetes-apt-keyring.gpg", "key");
        assertThat(new InstallKubernetesPackagesExecutor().apply(new InstallKubernetesPackages("1.35", null), root.ctx()).changed()).isFalse();
        assertThatThrownBy(() -> new InstallKubernetesPackagesExecutor().check(new InstallKubernetesPackages("1.34", null), root.ctx()))
                .isInstanceOf(ExecutorException.class).hasMessageContaining("1.35.0-1.1 is installed and the lab pins Kubernetes 1.34");
    }

    @Test
    void theInitConfigurationIsV1beta4WithCalicosPoolAndTheSystemdCgroupDriver() {
        List<Object> docs = new ArrayList<>();
        new Yaml().loadAll(KubeadmConfig.init(init("kubeadm.k8s.io/v1beta4"))).forEach(docs::add);
        assertThat(docs).hasSize(3);
        Map<String, Object> initDoc = cast(docs.get(0));
        Map<String, Object> cluster = cast(docs.get(1));
        Map<String, Object> kubelet = cast(docs.get(2));
        assertThat(initDoc).containsEntry("apiVersion", "kubeadm.k8s.io/v1beta4").containsEntry("kind", "InitConfiguration")
                .containsOnlyKeys("apiVersion", "kind", "localAPIEndpoint", "nodeRegistration");
        assertThat(initDoc.get("localAPIEndpoint")).isEqualTo(Map.of("advertiseAddress", "10.83.0.11", "bindPort", 6443));
        assertThat(initDoc.get("nodeRegistration")).isEqualTo(Map.of("name", "k8s1", "criSocket", "unix:///var/run/containerd/containerd.sock"));
        assertThat(cluster).containsEntry("kind", "ClusterConfiguration").containsEntry("controlPlaneEndpoint", "10.83.0.11:6443")
                .containsOnlyKeys("apiVersion", "kind", "controlPlaneEndpoint", "networking");
        assertThat(cluster.get("networking")).isEqualTo(Map.of("podSubnet", "192.168.0.0/16", "serviceSubnet", "10.96.0.0/12"));
        assertThat(kubelet).isEqualTo(Map.of("apiVersion", "kubelet.config.k8s.io/v1beta1", "kind", "KubeletConfiguration",
                "cgroupDriver", "systemd"));
        assertThat(((Map<?, ?>) new Yaml().loadAll(KubeadmConfig.init(init("kubeadm.k8s.io/v1beta3"))).iterator().next()).get("apiVersion"))
                .isEqualTo("kubeadm.k8s.io/v1beta3");
        assertThatThrownBy(() -> KubeadmConfig.init(init("kubeadm.k8s.io/v1"))).isInstanceOf(ExecutorException.class);
    }

    @Test
    void theJoinConfigurationPinsTheCaHashAndItsTokenStaysInARootOnlyFileThatIsRemoved() {
        KubeadmJoin join = new KubeadmJoin("kubeadm.k8s.io/v1beta4", "k8s2", "10.83.0.11:6443", TOKEN, HASH);
        Map<String, Object> doc = new Yaml().load(KubeadmConfig.join(join));
        assertThat(doc).containsEntry("kind", "JoinConfiguration");
        assertThat(doc.get("discovery")).isEqualTo(Map.of("bootstrapToken", Map.of("apiServerEndpoint", "10.83.0.11:6443", "token", TOKEN,
                "caCertHashes", List.of(HASH))));
        Outcome out = new KubeadmJoinExecutor().apply(join, root.ctx());
        assertThat(out.changed()).isTrue();
        assertThat(out.diff()).doesNotContain(TOKEN);
        assertThat(root.file("/etc/labforge/kubeadm/join.yaml")).as("removed after the join").doesNotExist();
        // joined already: nothing, not even the token checked
        assertThatThrownBy(() -> KubeadmConfig.join(new KubeadmJoin("kubeadm.k8s.io/v1beta4", "k8s2", "10.83.0.11:6443", "", HASH)))
                .isInstanceOf(ExecutorException.class).hasMessageContaining("not a bootstrap token");
        assertThatThrownBy(() -> KubeadmConfig.join(new KubeadmJoin("kubeadm.k8s.io/v1beta4", "K8S2", "10.83.0.11:6443", TOKEN, HASH)))
                .isInstanceOf(ExecutorException.class).hasMessageContaining("not a node name");
        assertThatThrownBy(() -> KubeadmConfig.join(new KubeadmJoin("kubeadm.k8s.io/v1beta4", "k8s2", "10.83.0.11:6443", TOKEN, "sha256:x")))
                .isInstanceOf(ExecutorException.class).hasMessageContaining("CA certificate hash");
    }

    @Test
    void aNodeThatJoinedOrRunsAControlPlaneIsLeftAsItIs() throws IOException {
        root.write("/etc/kubernetes/kubelet.conf", "x");
        assertThat(new KubeadmJoinExecutor().apply(new KubeadmJoin("kubeadm.k8s.io/v1beta4", "k8s2", "10.83.0.11:6443", "", HASH), root.ctx())
                .changed()).isFalse();
        root.write("/etc/kubernetes/admin.conf", "x");
        root.write("/etc/kubernetes/pki/ca.crt", ca(dir.resolve("ca")));
        Outcome init = new KubeadmInitExecutor().apply(init("kubeadm.k8s.io/v1beta4"), root.ctx());
        assertThat(init.changed()).isFalse();
        assertThat(init.outputs().get("created").asBoolean()).isFalse();
        assertThat(init.outputs().get("caCertHash").asString()).startsWith("sha256:");
        assertThat(root.file("/etc/labforge/kubeadm/init.yaml")).doesNotExist();
    }

    @Test
    void theInitConfigurationIsWrittenForRootOnly() throws IOException {
        root.write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nstudent:x:1000:1000::/home/student:/bin/bash\n");
        // under a host root kubeadm does not run, so no admin.conf appears: the step says so
        assertThatThrownBy(() -> new KubeadmInitExecutor().apply(init("kubeadm.k8s.io/v1beta4"), root.ctx()))
                .hasMessageContaining("left no /etc/kubernetes/admin.conf");
        assertThat(Files.getPosixFilePermissions(root.file("/etc/labforge/kubeadm/init.yaml"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void theDiscoveryHashIsWhatKubernetesIosOpensslPipelinePrints() throws IOException {
        Path work = dir.resolve("ca");
        String pem = ca(work);
        // kubernetes.io: openssl x509 -pubkey -in ca.crt | openssl rsa -pubin -outform der | openssl dgst -sha256 -hex
        run(work, "openssl", "x509", "-pubkey", "-noout", "-in", "ca.crt", "-out", "pub.pem");
        run(work, "openssl", "rsa", "-pubin", "-in", "pub.pem", "-outform", "der", "-out", "pub.der");
        String dgst = run(work, "openssl", "dgst", "-sha256", "-hex", "pub.der");
        assertThat(JoinTokens.caCertHash(pem)).isEqualTo("sha256:" + dgst.substring(dgst.lastIndexOf(' ') + 1).strip());
        assertThat(JoinTokens.fresh()).matches("[a-z0-9]{6}\\.[a-z0-9]{16}").isNotEqualTo(JoinTokens.fresh());
    }

    @Test
    void resetUndoesOnlyAMembershipTheStepMadeAndRemovesWhatKubeadmResetLeaves() throws IOException {
        root.write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nstudent:x:1000:1000::/home/student:/bin/bash\n");
        root.write("/etc/cni/net.d/10-calico.conflist", "{}");
        root.write("/root/.kube/config", "admin");
        root.write("/home/student/.kube/config", "admin");
        assertThat(new KubeadmResetExecutor().apply(new KubeadmReset(false, "student"), root.ctx()).changed()).isFalse();
        assertThat(root.file("/etc/cni/net.d/10-calico.conflist")).exists();

        assertThat(new KubeadmResetExecutor().apply(new KubeadmReset(true, "student"), root.ctx()).changed()).isTrue();
        assertThat(root.file("/etc/cni/net.d/10-calico.conflist")).doesNotExist();
        assertThat(root.file("/root/.kube/config")).doesNotExist();
        assertThat(root.file("/home/student/.kube/config")).doesNotExist();
    }

    @Test
    void onlyKubeProxysAndCalicosIptablesRulesAreDropped() {
        String dump = """
                *filter
                :INPUT ACCEPT [0:0]
                :FORWARD DROP [0:0]
                :DOCKER-USER - [0:0]
                :KUBE-FORWARD - [0:0]
                :cali-FORWARD - [0:0]
                -A FORWARD -m comment --comment "cali:wUHhoiAYhphO9Mso" -j cali-FORWARD
                -A FORWARD -j DOCKER-USER
                -A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
                -A DOCKER-USER -j RETURN
                COMMIT
                """;
        assertThat(Iptables.withoutKubernetes(dump)).isEqualTo("""
                *filter
                :INPUT ACCEPT [0:0]
                :FORWARD DROP [0:0]
                :DOCKER-USER - [0:0]
                -A FORWARD -j DOCKER-USER
                -A DOCKER-USER -j RETURN
                COMMIT
                """);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cast(Object doc) {
        return (Map<String, Object>) doc;
    }

    static String ca(Path work) throws IOException {
        Files.createDirectories(work);
        run(work, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=kubernetes",
                "-days", "1");
        return Files.readString(work.resolve("ca.crt"));
    }

    /** openssl in {@code work}, as the documentation runs it in the directory of ca.crt. */
    static String run(Path work, String... argv) throws IOException {
        Process p = new ProcessBuilder(argv).directory(work.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            assertThat(p.waitFor()).as(String.join(" ", argv) + ": " + out).isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
    }

    @Test
    void theControlPlaneSignsClusterServicesRequestWithTheClusterCaAsAUserInAGroup() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair caKey = g.generateKeyPair(); // kubeadm's CA is RSA, its key PKCS#1
        X509Certificate ca = Pki.newCa(caKey, "kubernetes", Duration.ofDays(3650));
        root.write("/etc/kubernetes/pki/ca.crt", Pki.pem(ca));
        root.write(SignKubernetesClientExecutor.CA_KEY, Pki.pem(caKey.getPrivate()));
        assertThat(root.read(SignKubernetesClientExecutor.CA_KEY)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        root.write("/etc/kubernetes/admin.conf", "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: x\n"
                + "    server: https://10.83.0.11:6443\n  name: kubernetes\n");
        KeyPair client = Pki.newKey();
        var c = new SignKubernetesClient(Pki.csr(client, "whatever-it-asks"),
                "labforge:cluster-service", "kubeadm:cluster-admins", 365);
        Outcome out = new SignKubernetesClientExecutor().apply(c, root.ctx());
        assertThat(out.changed()).isFalse();
        assertThat(out.outputs().get("server").asString()).isEqualTo("https://10.83.0.11:6443");
        assertThat(out.outputs().get("ca").asString()).isEqualTo(Pki.pem(ca));
        X509Certificate cert = Pki.certificate(out.outputs().get("certificate").asString());
        cert.verify(caKey.getPublic());
        assertThat(cert.getPublicKey()).isEqualTo(client.getPublic());
        // the names are the step's, not the request's: Kubernetes reads the user from CN and the group from O
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=labforge:cluster-service,O=kubeadm:cluster-admins");
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");

        Files.delete(root.file(SignKubernetesClientExecutor.CA_KEY));
        assertThatThrownBy(() -> new SignKubernetesClientExecutor().apply(c, root.ctx())).hasMessageContaining("not its key");
    }

    @Test
    void theHeadlampTokenNeedsTheClusterAndItsUndoRemovesTheFile() throws IOException {
        root.write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nstudent:x:1000:1000::/home/student:/bin/bash\n");
        var write = new WriteServiceAccountToken("kube-system", "headlamp-admin", 24, "student", "headlamp-token");
        assertThat(new WriteServiceAccountTokenExecutor().check(write, root.ctx()).diff())
                .isEqualTo("+ a token for kube-system/headlamp-admin (valid 24 h) at /home/student/headlamp-token");
        assertThatThrownBy(() -> new WriteServiceAccountTokenExecutor().apply(write, root.ctx())).hasMessageContaining("needs the cluster");
        root.write("/home/student/headlamp-token", "eyJ...\n");
        assertThat(new WriteServiceAccountTokenExecutor().apply(write, root.ctx()).changed()).isFalse();
        var remove = new WriteServiceAccountToken("kube-system", "headlamp-admin", 0, "student", "headlamp-token");
        assertThat(new WriteServiceAccountTokenExecutor().apply(remove, root.ctx()).diff()).isEqualTo("- /home/student/headlamp-token");
        assertThat(root.file("/home/student/headlamp-token")).doesNotExist();
        assertThatThrownBy(() -> new WriteServiceAccountTokenExecutor().check(
                new WriteServiceAccountToken("kube-system", "headlamp-admin", 24, "student", "../.bashrc"),
                root.ctx())).hasMessageContaining("not a ServiceAccount token this step writes");
    }
}
