package io.labforge.common.lab.docker;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;

/**
 * R4. Docker from the distribution's packages ({@code docker.io}), unless a Docker daemon is
 * already installed. Outputs: {@code installed} (true when this step installed it).
 */
@Message(name = "agent.EnsureDockerInstalled")
public record EnsureDockerInstalled() implements AgentCommand {
    /** True when this step installed Docker. */
    public static final Output<EnsureDockerInstalled, Boolean> INSTALLED = Output.flag("installed");
}
