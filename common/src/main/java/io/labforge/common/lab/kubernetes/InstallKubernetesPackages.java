package io.labforge.common.lab.kubernetes;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;
import java.util.List;

/**
 * R25: kubeadm, kubelet and kubectl from the Kubernetes apt repository of the pinned minor release, as
 * kubernetes.io's "Installing kubeadm" says: the repository's key dearmored into
 * {@code /etc/apt/keyrings/kubernetes-apt-keyring.gpg}, {@code /etc/apt/sources.list.d/kubernetes.list}
 * signed by it, the three packages installed and held, the kubelet enabled. {@code repository} is
 * pkgs.k8s.io's {@code https://pkgs.k8s.io/core:/stable:} or a mirror laid out the same way.
 */
@Message(name = "agent.InstallKubernetesPackages")
public record InstallKubernetesPackages(String version, String repository) implements AgentCommand {
    public static final String PKGS_K8S_IO = "https://pkgs.k8s.io/core:/stable:";
    public static final List<String> PACKAGES = List.of("kubelet", "kubeadm", "kubectl");
    /** The packages this step installed (the undo removes only those). */
    public static final Output<InstallKubernetesPackages, List<String>> INSTALLED = Output.list("installed");
    /** What the repository's list file held before ("" when there was none). */
    public static final Output<InstallKubernetesPackages, String> PREVIOUS_LIST = Output.text("previousList");

    /** The repository of the pinned minor release: {@code <repository>/v1.35/deb/}. */
    public String url() {
        String base = repository == null || repository.isBlank() ? PKGS_K8S_IO : repository.replaceAll("/+$", "");
        return base + "/v" + version + "/deb/";
    }
}
