package io.labforge.orchestrator.plan.docker;

import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.docker.ConfigureDockerDaemon;
import io.labforge.common.lab.docker.DockerSpec;
import io.labforge.common.lab.docker.RestoreDockerDaemon;
import io.labforge.common.lab.firewall.FirewallSpec;
import io.labforge.common.messaging.Json;
import io.labforge.common.net.PortRange;
import io.labforge.orchestrator.plan.tls.TlsSteps;
import io.labforge.orchestrator.planner.FeaturePlanner;
import io.labforge.orchestrator.planner.PlanBuilder;
import io.labforge.orchestrator.planner.StepRef;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * R4, R15, R19: the Engine API over mutual TLS when the lab gives {@code tls-port} (for cluster-service:
 * the host makes its key, the orchestrator signs its request with the lab's CA, the port is opened), then
 * {@code daemon.json}. Docker itself is installed earlier in the chain ({@link DockerInstallPlanner}), so
 * the features in between (registries trusted) find it there.
 */
public final class DockerPlanner implements FeaturePlanner {
    public static final String TLS_DIR = "/etc/docker/labforge-tls";

    public static StepId daemon(String host) {
        return PlanBuilder.id("docker-daemon", host);
    }

    @Override
    public FirewallSpec openings(Lab lab, Lab.Host host) {
        Integer port = DockerSpec.of(lab, host).tlsPort();
        return port == null ? FirewallSpec.EMPTY : FirewallSpec.ports(new PortRange(port, port, "tcp"));
    }

    @Override
    public void plan(PlanBuilder plan) {
        for (Lab.Host h : plan.lab().hosts()) {
            DockerSpec docker = DockerSpec.of(plan.lab(), h);
            if (docker.isEmpty()) {
                continue;
            }
            Map<String, JsonNode> settings = new LinkedHashMap<>();
            docker.daemonJson().forEach((k, v) -> settings.put(k, Json.tree(v)));
            if (docker.tlsPort() != null) {
                StepRef<?> files = TlsSteps.serverCertificate(plan, h, "tls", TLS_DIR, TlsSteps.Files.DEFAULT, plan.last(h.name())).files();
                plan.advance(h.name(), files);
                settings.put("hosts", Json.tree(List.of("unix:///var/run/docker.sock", "tcp://0.0.0.0:" + docker.tlsPort())));
                settings.put("tls", Json.tree(true));
                settings.put("tlsverify", Json.tree(true));
                settings.put("tlscacert", Json.tree(TLS_DIR + "/ca.pem"));
                settings.put("tlscert", Json.tree(TLS_DIR + "/cert.pem"));
                settings.put("tlskey", Json.tree(TLS_DIR + "/key.pem"));
            }
            plan.step(daemon(h.name()), h.name(), new ConfigureDockerDaemon(settings))
                    .inChain()
                    .timeout(Duration.ofMinutes(5))
                    .undo(self -> new RestoreDockerDaemon(self.text(ConfigureDockerDaemon.PREVIOUS_CONTENT), false))
                    .undoFrom("existed", ConfigureDockerDaemon.EXISTED)
                    .add();
        }
    }
}
