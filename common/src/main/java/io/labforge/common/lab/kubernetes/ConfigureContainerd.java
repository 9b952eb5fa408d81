package io.labforge.common.lab.kubernetes;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * R24: containerd as the kubelet's runtime, beside Docker: containerd installed (Debian's, which
 * {@code docker.io} uses too) and its {@code /etc/containerd/config.toml} written whole: the CRI plugin on,
 * runc with {@code SystemdCgroup = true}, CNI plugins from {@code cniBinDir} (where Calico installs them)
 * and configurations from {@code cniConfDir}, the pause image kubeadm expects. containerd is restarted only
 * when the file changed, and Docker, where it runs, must answer afterwards.
 */
@Message(name = "agent.ConfigureContainerd")
public record ConfigureContainerd(String cniBinDir, String cniConfDir, String sandboxImage) implements AgentCommand {
    public static final String CNI_BIN_DIR = "/opt/cni/bin";
    public static final String CNI_CONF_DIR = "/etc/cni/net.d";
    /** What the file held before ("" when there was none). */
    public static final Output<ConfigureContainerd, String> PREVIOUS_CONFIG = Output.text("previousConfig");
    /** Whether this step wrote the file (the undo restarts containerd only then). */
    public static final Output<ConfigureContainerd, Boolean> CHANGED = Output.flag("changed");
}
