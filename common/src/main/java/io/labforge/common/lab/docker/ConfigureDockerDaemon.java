package io.labforge.common.lab.docker;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * R4, R15, R19. Sets these keys of {@code /etc/docker/daemon.json} (other keys are kept) and
 * restarts the daemon only when the file changed. Outputs: {@code previousContent},
 * {@code existed}, {@code restarted}.
 */
@Message(name = "agent.ConfigureDockerDaemon")
public record ConfigureDockerDaemon(Map<String, JsonNode> settings) implements AgentCommand {
    /** What daemon.json held ("" when it did not exist). */
    public static final Output<ConfigureDockerDaemon, String> PREVIOUS_CONTENT = Output.text("previousContent");
    public static final Output<ConfigureDockerDaemon, Boolean> EXISTED = Output.flag("existed");
    public static final Output<ConfigureDockerDaemon, Boolean> RESTARTED = Output.flag("restarted");
}
