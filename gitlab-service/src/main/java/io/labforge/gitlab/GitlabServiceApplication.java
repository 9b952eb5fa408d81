package io.labforge.gitlab;

import io.labforge.common.command.GitlabCommand;
import io.labforge.common.exec.HostRoot;
import io.labforge.common.messaging.Topics;
import io.labforge.common.sealing.Sealing;
import io.labforge.common.signing.CommandVerifier;
import io.labforge.common.signing.Keys;
import io.labforge.common.worker.CommandProcessor;
import io.labforge.common.worker.Journal;
import io.labforge.common.worker.WorkerLoop;
import io.labforge.gitlab.api.AwaitGitlabExecutor;
import io.labforge.gitlab.api.CreateRunnerExecutor;
import io.labforge.gitlab.api.DeleteRunnerExecutor;
import io.labforge.gitlab.api.EnsureProjectExecutor;
import io.labforge.gitlab.api.RemoveProjectExecutor;
import io.labforge.gitlab.config.RenderGitlabConfigExecutor;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The gitlab-service worker: GitLab's configuration (rendered here, written on the host by its agent),
 * its readiness, and its API (projects seeded with JGit, runners). It runs signed commands as agents do: journal, refusals, events.
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

    /**
     * Secrets come and go sealed: the GitLab token sealed to this service's own key (announced like an
     * agent's), a new runner's token sealed to the orchestrator's.
     */
    @Bean
    CommandProcessor gitlabProcessor(@Value("${labforge.gitlab.state-dir:/var/lib/labforge-gitlab}") Path stateDir,
            @Value("${labforge.gitlab.orchestrator-public-key:}") String key,
            @Value("${labforge.gitlab.orchestrator-public-key-file:}") String keyFile,
            @Value("${labforge.gitlab.orchestrator-sealing-key:}") String sealingKey,
            @Value("${labforge.gitlab.orchestrator-sealing-key-file:}") String sealingKeyFile,
            @Value("${labforge.gitlab.readiness-poll:5s}") java.time.Duration readinessPoll, Journal journal) {
        CommandProcessor.Secrets secrets = new CommandProcessor.Secrets(Sealing.loadOrCreate(stateDir.resolve("sealing.key")),
                Keys.optionalText(sealingKey, sealingKeyFile, "labforge.gitlab.orchestrator-sealing-key"));
        return new CommandProcessor(GitlabCommand.TARGET, new CommandVerifier(Keys.orchestratorKey(key, keyFile, "labforge.gitlab.orchestrator-public-key")),
                List.of(new RenderGitlabConfigExecutor(), new AwaitGitlabExecutor(readinessPoll), new EnsureProjectExecutor(),
                        new RemoveProjectExecutor(), new CreateRunnerExecutor(), new DeleteRunnerExecutor()),
                journal, new HostRoot(stateDir), Clock.systemUTC(), java.time.Duration.ofMillis(200), secrets);
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    WorkerLoop workerLoop(@Value("${labforge.bootstrap-servers:localhost:9092}") String servers, CommandProcessor processor) {
        return WorkerLoop.running(servers, Topics.GITLAB_COMMANDS, processor);
    }
}
