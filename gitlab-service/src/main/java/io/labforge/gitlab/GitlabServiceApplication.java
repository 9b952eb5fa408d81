package io.labforge.gitlab;

import io.labforge.common.command.GitlabCommand;
import io.labforge.common.messaging.Topics;
import io.labforge.common.worker.ServiceWorker;
import io.labforge.gitlab.api.AwaitGitlabExecutor;
import io.labforge.gitlab.api.CreateRunnerExecutor;
import io.labforge.gitlab.api.DeleteRunnerExecutor;
import io.labforge.gitlab.api.EnsureProjectExecutor;
import io.labforge.gitlab.api.RemoveProjectExecutor;
import io.labforge.gitlab.config.RenderGitlabConfigExecutor;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The gitlab-service worker: GitLab's configuration (rendered here, written on the host by its agent),
 * its readiness, and its API (projects seeded with JGit, runners). It runs signed commands as agents do:
 * journal, refusals, events. Secrets come and go sealed: the GitLab token sealed to this service's own
 * key (announced like an agent's), a new runner's token sealed to the orchestrator's. Settings:
 * {@code labforge.gitlab.*} ({@link ServiceWorker.Settings}) and {@code labforge.gitlab.readiness-poll}.
 */
@SpringBootConfiguration
public class GitlabServiceApplication {

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(GitlabServiceApplication.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.run(args);
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    ServiceWorker gitlabService(Environment env) {
        Duration readinessPoll = env.getProperty("labforge.gitlab.readiness-poll", Duration.class, Duration.ofSeconds(5));
        return new ServiceWorker(ServiceWorker.Settings.read(env::getProperty, "gitlab", GitlabCommand.TARGET, Topics.GITLAB_COMMANDS, true),
                stateDir -> List.of(new RenderGitlabConfigExecutor(), new AwaitGitlabExecutor(readinessPoll), new EnsureProjectExecutor(),
                        new RemoveProjectExecutor(), new CreateRunnerExecutor(), new DeleteRunnerExecutor()));
    }
}
