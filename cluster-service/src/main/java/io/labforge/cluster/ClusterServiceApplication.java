package io.labforge.cluster;

import io.labforge.cluster.swarm.ClientKeys;
import io.labforge.cluster.swarm.Managers;
import io.labforge.cluster.swarm.ServiceExecutor;
import io.labforge.common.command.ClusterCommand;
import io.labforge.common.exec.HostRoot;
import io.labforge.common.messaging.Topics;
import io.labforge.common.signing.CommandVerifier;
import io.labforge.common.signing.Keys;
import io.labforge.common.worker.CommandProcessor;
import io.labforge.common.worker.Journal;
import io.labforge.common.worker.WorkerLoop;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The cluster-service worker: Swarm through the Docker Engine API of a manager (docker-java, mutual
 * TLS with a client certificate of each lab's CA). It runs signed commands as agents do: journal,
 * refusals, events.
 */
@SpringBootConfiguration
public class ClusterServiceApplication {

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(ClusterServiceApplication.class);
        app.setWebApplicationType(org.springframework.boot.WebApplicationType.NONE);
        app.run(args);
    }

    @Bean(destroyMethod = "close")
    Journal clusterJournal(@Value("${labforge.cluster.state-dir:/var/lib/labforge-cluster}") Path stateDir) {
        return new Journal(stateDir.resolve("journal.jsonl"));
    }

    @Bean
    CommandProcessor clusterProcessor(@Value("${labforge.cluster.state-dir:/var/lib/labforge-cluster}") Path stateDir,
            @Value("${labforge.cluster.orchestrator-public-key:}") String key,
            @Value("${labforge.cluster.orchestrator-public-key-file:}") String keyFile, Journal journal) {
        ClientKeys keys = new ClientKeys(stateDir);
        Managers managers = new Managers(keys);
        return new CommandProcessor(ClusterCommand.TARGET, new CommandVerifier(Keys.orchestratorKey(key, keyFile, "labforge.cluster.orchestrator-public-key")),
                List.of(keys.new Create(), keys.new Install(), new ServiceExecutor(managers), new ServiceExecutor.Remove(managers),
                        new ServiceExecutor.Scale(managers), new io.labforge.cluster.swarm.NodeAvailabilityExecutor(managers),
                        new io.labforge.cluster.swarm.DescribeSwarmExecutor(managers)),
                journal, new HostRoot(stateDir), Clock.systemUTC());
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    WorkerLoop workerLoop(@Value("${labforge.bootstrap-servers:localhost:9092}") String servers, CommandProcessor processor) {
        return WorkerLoop.running(servers, Topics.CLUSTER_COMMANDS, processor);
    }
}
