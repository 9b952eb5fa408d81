package io.labforge.cluster.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.EndpointResolutionMode;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.PortConfigProtocol;
import com.github.dockerjava.api.model.ServiceSpec;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.lab.swarm.SwarmService;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/** The lab's service as the Engine API's spec, and what counts as a difference from the running one. */
class ServiceSpecTest {
    static SwarmService web(int replicas) {
        return new SwarmService("web", "r:5000/web:1", replicas, List.of("node.role == worker"), List.of("8080:80", "53:53/udp"),
                Map.of("tier", "web"), List.of("/bin/busybox", "httpd", "-f"), "host", "dnsrr", Map.of());
    }

    @Test
    void theLabsServiceBecomesTheEngineApisSpec() {
        ServiceSpec s = SwarmServices.spec(web(3));
        assertThat(s.getName()).isEqualTo("web");
        assertThat(s.getMode().getReplicated().getReplicas()).isEqualTo(3);
        assertThat(s.getTaskTemplate().getPlacement().getConstraints()).containsExactly("node.role == worker");
        assertThat(s.getTaskTemplate().getContainerSpec().getCommand()).containsExactly("/bin/busybox", "httpd", "-f");
        assertThat(s.getEndpointSpec().getMode()).isEqualTo(EndpointResolutionMode.DNSRR);
        assertThat(s.getEndpointSpec().getPorts()).extracting(PortConfig::getPublishedPort, PortConfig::getTargetPort,
                PortConfig::getProtocol, PortConfig::getPublishMode).containsExactly(
                        Tuple.tuple(8080, 80, PortConfigProtocol.TCP, PortConfig.PublishMode.host),
                        Tuple.tuple(53, 53, PortConfigProtocol.UDP, PortConfig.PublishMode.host));
        SwarmService plain = new SwarmService("p", "img", 1, null, null, null, null, "ingress", "vip", Map.of());
        assertThat(SwarmServices.spec(plain).getEndpointSpec().getMode()).isEqualTo(EndpointResolutionMode.VIP);
    }

    @Test
    void aBadPortIsRefused() {
        SwarmService bad = new SwarmService("web", "img", 1, List.of(), List.of("80"), Map.of(), List.of(), "ingress", "vip", Map.of());
        assertThatThrownBy(() -> SwarmServices.spec(bad)).isInstanceOf(ExecutorException.class).hasMessageContaining("'80'");
    }

    @Test
    void onlyRealDifferencesCount() {
        ServiceSpec want = SwarmServices.spec(web(3));
        ServiceSpec running = SwarmServices.spec(web(3));
        // the manager pins the image to a digest: that is not a change
        running.getTaskTemplate().getContainerSpec().withImage("r:5000/web:1@sha256:0123");
        assertThat(SwarmServices.differences(running, want)).isEmpty();
        assertThat(SwarmServices.differences(SwarmServices.spec(web(5)), want)).containsExactly("~ replicas 5 → 3");
        ServiceSpec otherImage = SwarmServices.spec(web(3));
        otherImage.getTaskTemplate().getContainerSpec().withImage("r:5000/web:2");
        assertThat(SwarmServices.differences(otherImage, want)).singleElement().asString().startsWith("~ image r:5000/web:2");
    }

    @Test
    void aServicesFilesAreSwarmConfigsNamedByTheirContent() {
        SwarmService v1 = new SwarmService("prometheus", "p:1", 1, List.of(), List.of(), Map.of(), List.of(), "ingress", "vip",
                Map.of("/etc/prometheus/prometheus.yml", "targets: [a]"));
        SwarmService v2 = new SwarmService("prometheus", "p:1", 1, List.of(), List.of(), Map.of(), List.of(), "ingress", "vip",
                Map.of("/etc/prometheus/prometheus.yml", "targets: [a, b]"));
        String name1 = SwarmServices.configName("prometheus", "/etc/prometheus/prometheus.yml", "targets: [a]");
        ServiceSpec s1 = SwarmServices.spec(v1, Map.of(name1, "cfg-id-1"));
        var config = s1.getTaskTemplate().getContainerSpec().getConfigs().get(0);
        assertThat(config.getConfigName()).isEqualTo(name1);
        assertThat(config.getConfigID()).isEqualTo("cfg-id-1");
        assertThat(config.getFile().getName()).isEqualTo("/etc/prometheus/prometheus.yml");
        assertThat(config.getFile().getMode()).isEqualTo(0444L);
        assertThat(name1).startsWith("prometheus-");
        assertThat(SwarmServices.differences(s1, SwarmServices.spec(v1))).as("the same content is the same config").isEmpty();
        List<String> d = SwarmServices.differences(s1, SwarmServices.spec(v2));
        assertThat(d).hasSize(1);
        assertThat(d.get(0)).startsWith("~ files");
    }
}
