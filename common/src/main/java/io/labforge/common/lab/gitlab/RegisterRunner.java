package io.labforge.common.lab.gitlab;

import io.labforge.common.command.AgentCommand;
import io.labforge.common.messaging.Message;
import io.labforge.common.step.Output;
import java.util.List;

/**
 * R9: gitlab-runner on this host (installed from GitLab's apt repository when missing) and registered
 * with a runner created through the API: {@code gitlab-runner register --non-interactive --url
 * --name --executor docker|shell [--docker-image] --tls-ca-file --template-config}, the token given in
 * {@code CI_SERVER_TOKEN} (not on the command line). The template carries {@code extraHosts}
 * ({@code name:address}) into {@code [runners.docker] extra_hosts}. An empty {@code runnerToken}
 * means the runner existed in GitLab already: fine if this host holds its registration, an error
 * otherwise. Outputs {@code registered} (by this step).
 */
@Message(name = "agent.RegisterRunner")
public record RegisterRunner(String name, String url, String runnerToken, String executor, String dockerImage, String caPem,
        List<String> extraHosts, String packageRepository) implements AgentCommand {
    public static final Output<RegisterRunner, Boolean> REGISTERED = Output.flag("registered");
}
