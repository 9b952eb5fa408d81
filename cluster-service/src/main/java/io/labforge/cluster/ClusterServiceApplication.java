package io.labforge.cluster;

import io.labforge.common.messaging.Topics;
import io.labforge.common.worker.WorkerLoop;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Bean;

/** The cluster-service worker. Its executors are not built yet (issue 5 and later: Docker Swarm and Kubernetes). */
@SpringBootConfiguration
public class ClusterServiceApplication {

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(ClusterServiceApplication.class);
        app.setWebApplicationType(org.springframework.boot.WebApplicationType.NONE);
        app.run(args);
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    WorkerLoop workerLoop(@Value("${labforge.bootstrap-servers:localhost:9092}") String servers) {
        return WorkerLoop.rejectingAll(servers, Topics.CLUSTER_COMMANDS, "cluster-service", "issue 5 and later: Docker Swarm and Kubernetes");
    }
}
