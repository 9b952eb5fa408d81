package io.labforge.cluster;

import io.labforge.cluster.kubernetes.ApplyManifestExecutor;
import io.labforge.cluster.kubernetes.ApproveKubeletCertificatesExecutor;
import io.labforge.cluster.kubernetes.DeleteObjectsExecutor;
import io.labforge.cluster.kubernetes.DescribeKubernetesExecutor;
import io.labforge.cluster.kubernetes.KubernetesCredentials;
import io.labforge.cluster.swarm.ClientKeys;
import io.labforge.cluster.swarm.DescribeSwarmExecutor;
import io.labforge.cluster.swarm.Managers;
import io.labforge.cluster.swarm.NodeAvailabilityExecutor;
import io.labforge.cluster.swarm.RemoveServiceExecutor;
import io.labforge.cluster.swarm.ScaleServiceExecutor;
import io.labforge.cluster.swarm.ServiceExecutor;
import io.labforge.common.command.ClusterCommand;
import io.labforge.common.exec.Executor;
import io.labforge.common.messaging.Topics;
import io.labforge.common.worker.ServiceWorker;
import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The cluster-service worker: Swarm through the Docker Engine API of a manager (docker-java, mutual
 * TLS with a client certificate of each lab's CA); Kubernetes through the cluster's API (fabric8, a client
 * certificate the control plane signed with the cluster CA). It runs signed commands as agents do: journal,
 * refusals, events. Settings: {@code labforge.cluster.*} ({@link ServiceWorker.Settings}).
 */
@SpringBootConfiguration
public class ClusterServiceApplication {

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(ClusterServiceApplication.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.run(args);
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    ServiceWorker clusterService(Environment env) {
        return new ServiceWorker(ServiceWorker.Settings.read(env::getProperty, "cluster", ClusterCommand.TARGET, Topics.CLUSTER_COMMANDS, false),
                ClusterServiceApplication::executors);
    }

    static List<Executor<?>> executors(Path stateDir) {
        ClientKeys keys = new ClientKeys(stateDir);
        Managers managers = new Managers(keys);
        KubernetesCredentials kubernetes = new KubernetesCredentials(keys);
        return List.of(keys.new Create(), keys.new Install(), new ServiceExecutor(managers), new RemoveServiceExecutor(managers),
                new ScaleServiceExecutor(managers), new NodeAvailabilityExecutor(managers), new DescribeSwarmExecutor(managers),
                kubernetes.new Install(), new ApplyManifestExecutor(kubernetes), new DeleteObjectsExecutor(kubernetes),
                new ApproveKubeletCertificatesExecutor(kubernetes), new DescribeKubernetesExecutor(kubernetes));
    }
}
