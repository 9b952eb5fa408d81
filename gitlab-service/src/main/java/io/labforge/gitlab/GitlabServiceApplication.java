package io.labforge.gitlab;

import io.labforge.common.exec.HostRoot;
import io.labforge.common.gitlab.GitlabCommand;
import io.labforge.common.messaging.Topics;
import io.labforge.common.signing.CommandVerifier;
import io.labforge.common.signing.Keys;
import io.labforge.common.worker.CommandProcessor;
import io.labforge.common.worker.Journal;
import io.labforge.common.worker.WorkerLoop;
import io.labforge.gitlab.config.RenderGitlabConfigExecutor;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The gitlab-service worker: GitLab's configuration (rendered here, written on the host by its agent)
 * and, as issue 6 goes on, GitLab's API. It runs signed commands as agents do: journal, refusals, events.
 */
@SpringBootConfiguration
public class GitlabServiceApplication {

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(GitlabServiceApplication.class);
        app.setWebApplicationType(org.springframework.boot.WebApplicationType.NONE);
        app.run(args);
    }

    @Bean(destroyMethod = "close")
    Journal gitlabJournal(@Value("${labforge.gitlab.state-dir:/var/lib/labforge-gitlab}") Path stateDir) {
        return new Journal(stateDir.resolve("journal.jsonl"));
    }

    @Bean
    CommandProcessor gitlabProcessor(@Value("${labforge.gitlab.state-dir:/var/lib/labforge-gitlab}") Path stateDir,
            @Value("${labforge.gitlab.orchestrator-public-key:}") String key,
            @Value("${labforge.gitlab.orchestrator-public-key-file:}") String keyFile, Journal journal) {
        return new CommandProcessor(GitlabCommand.TARGET, new CommandVerifier(Keys.orchestratorKey(key, keyFile, "labforge.gitlab.orchestrator-public-key")),
                List.of(new RenderGitlabConfigExecutor()), journal, new HostRoot(stateDir), Clock.systemUTC());
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    WorkerLoop workerLoop(@Value("${labforge.bootstrap-servers:localhost:9092}") String servers, CommandProcessor processor) {
        return WorkerLoop.running(servers, Topics.GITLAB_COMMANDS, processor);
    }
}
