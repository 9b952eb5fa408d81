package io.labforge.cluster.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import io.labforge.common.exec.ExecutorException;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/** A docker-java client for a swarm manager's Engine API, over mutual TLS with the lab's client certificate. */
public final class Managers {
    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.-]{1,253}:\\d{1,5}");
    private final ClientKeys keys;

    public Managers(ClientKeys keys) {
        this.keys = keys;
    }

    public DockerClient client(String lab, String manager) {
        if (manager == null || !HOST_PORT.matcher(manager).matches()) {
            throw ExecutorException.refused("'" + manager + "' is not a manager's host:port");
        }
        SSLContext ssl = keys.sslContext(lab);
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost("tcp://" + manager).withDockerTlsVerify(true).withCustomSslConfig(() -> ssl).build();
        DockerHttpClient http = new ZerodepDockerHttpClient.Builder().dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig()).connectionTimeout(Duration.ofSeconds(10)).responseTimeout(Duration.ofSeconds(60))
                .build();
        return DockerClientImpl.getInstance(config, http);
    }

    /**
     * Runs {@code work} with a client of the manager's Engine API, closed after; not reaching the
     * manager fails the step as retryable, naming it.
     */
    public <T> T call(String lab, String manager, Function<DockerClient, T> work) {
        try (DockerClient dc = client(lab, manager)) {
            return work.apply(dc);
        } catch (IOException e) {
            throw new ExecutorException("the Engine API of " + manager + ": " + e.getMessage(), true, e);
        }
    }
}
