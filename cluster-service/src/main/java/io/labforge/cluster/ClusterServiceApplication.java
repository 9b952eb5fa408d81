package io.labforge.cluster;

import io.labforge.common.messaging.Topics;
import io.labforge.common.step.StepEvent;
import io.labforge.common.worker.WorkerLoop;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;

/**
 * The cluster-service worker. Its executors for Docker Swarm and Kubernetes (issues 5 and later) are not built yet: until they are, it
 * answers every command with a rejection that says so, so a saga that needs it pauses with a clear
 * reason instead of waiting for a timeout.
 */
@SpringBootConfiguration
public class ClusterServiceApplication {

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(ClusterServiceApplication.class);
        app.setWebApplicationType(org.springframework.boot.WebApplicationType.NONE);
        app.run(args);
    }

    @Bean
    WorkerLoop workerLoop(@Value("${labforge.bootstrap-servers:localhost:9092}") String servers) {
        return new WorkerLoop(servers, Topics.CLUSTER_COMMANDS, "cluster-service", cmd -> List.of(new StepEvent.CommandRejected(
                StepEvent.Rejection.UNKNOWN_TYPE, "cluster-service has no executor for " + cmd.type() + " yet")));
    }

    @Bean
    SmartLifecycle workerLifecycle(WorkerLoop loop) {
        return new SmartLifecycle() {
            private Thread thread;

            @Override
            public void start() {
                thread = new Thread(loop, "cluster-service");
                thread.start();
            }

            @Override
            public void stop() {
                loop.stop();
            }

            @Override
            public boolean isRunning() {
                return thread != null && thread.isAlive();
            }
        };
    }
}
