package io.labforge.common.lab.kubernetes;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;
import java.util.List;

/**
 * R24: kernel modules loaded at every boot ({@code /etc/modules-load.d/labforge-kubernetes.conf}) and now,
 * where the kernel allows: a module built into the kernel, or one the host provides (a container's), is
 * found present instead of loaded. Refused when a module is neither present nor loadable.
 */
@Message(name = "agent.LoadKernelModules")
public record LoadKernelModules(List<String> modules) implements AgentCommand {
    /** What the file held before ("" when there was none). */
    public static final Output<LoadKernelModules, String> PREVIOUS_FILE = Output.text("previousFile");

    public LoadKernelModules {
        modules = List.copyOf(modules);
    }
}
