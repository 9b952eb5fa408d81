package io.labforge.gitlab;

import io.labforge.common.messaging.Topics;
import io.labforge.common.worker.WorkerLoop;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Bean;

/** The gitlab-service worker. Its executors are not built yet (issue 6: GitLab, its registry and runners). */
@SpringBootConfiguration
public class GitlabServiceApplication {

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(GitlabServiceApplication.class);
        app.setWebApplicationType(org.springframework.boot.WebApplicationType.NONE);
        app.run(args);
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    WorkerLoop workerLoop(@Value("${labforge.bootstrap-servers:localhost:9092}") String servers) {
        return WorkerLoop.rejectingAll(servers, Topics.GITLAB_COMMANDS, "gitlab-service", "issue 6: GitLab, its registry and runners");
    }
}
