package io.labforge.orchestrator.plan.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.features.Features;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabError;
import io.labforge.common.lab.swarm.SwarmSpec;
import io.labforge.orchestrator.plan.Planners;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.planner.StepSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** R22: Portainer's documented swarm stack (portainer-agent-stack.yml), generated from the lab and planned as a stack. */
class PortainerStackTest {
    static String swarmLab() throws IOException {
        String lab = Files.readString(Path.of("..", "examples", "swarm-lab.yaml"));
        return lab.substring(0, lab.indexOf("\n  # R20") + 1);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> at(Object m, String... keys) {
        Object v = m;
        for (String k : keys) {
            v = ((Map<String, Object>) v).get(k);
        }
        return (Map<String, Object>) v;
    }

    @Test
    void theStackIsPortainersDocumentedOneWithTheLabsImagesAndDataRoot() throws IOException {
        Lab lab = Features.PARSER.parse(swarmLab() + "  portainer: {}\n", "swarm.yaml");
        SwarmSpec.Portainer p = SwarmSpec.of(lab).portainer();
        assertThat(p.serverImage()).isEqualTo("portainer/portainer-ce:lts");
        Map<String, Object> compose = new Yaml().load(PortainerStack.compose(p));
        Map<String, Object> agent = at(compose, "services", "agent");
        assertThat(agent.get("image")).isEqualTo("portainer/agent:lts");
        assertThat(agent.get("volumes")).isEqualTo(List.of("/var/run/docker.sock:/var/run/docker.sock",
                "/var/lib/docker/volumes:/var/lib/docker/volumes"));
        assertThat(agent.get("networks")).isEqualTo(List.of("agent_network"));
        assertThat(at(agent, "deploy")).containsEntry("mode", "global");
        assertThat(at(agent, "deploy", "placement").get("constraints")).isEqualTo(List.of("node.platform.os == linux"));
        Map<String, Object> server = at(compose, "services", "portainer");
        assertThat(server.get("command")).isEqualTo("-H tcp://tasks.agent:9001 --tlsskipverify");
        assertThat(server.get("volumes")).isEqualTo(List.of("portainer_data:/data"));
        assertThat(server.get("ports").toString()).contains("target=9443", "published=9443", "target=9000", "target=8000", "mode=ingress");
        assertThat(at(server, "deploy")).containsEntry("replicas", 1);
        assertThat(at(server, "deploy", "placement").get("constraints")).isEqualTo(List.of("node.role == manager"));
        assertThat(at(compose, "networks", "agent_network")).containsEntry("driver", "overlay").containsEntry("attachable", true);
        assertThat(at(compose, "volumes")).containsKey("portainer_data");

        Plan plan = Planners.all().plan(lab);
        StepSpec deploy = plan.step(StepId.of("stack-portainer@manager1"));
        assertThat(deploy.commandType()).isEqualTo("agent.DeployStack");
        assertThat(deploy.dependsOn()).contains(StepId.of("swarm-join@worker1"), StepId.of("swarm-join@worker2"));
        assertThat(deploy.compensation().commandType()).isEqualTo("agent.RemoveStack");
    }

    @Test
    void theAgentMountsTheVolumesUnderTheNodesDataRootWhichMustBeOne() throws IOException {
        String lab = swarmLab().replace("      metrics-addr: 0.0.0.0:9323", "      data-root: /data/docker\n      metrics-addr: 0.0.0.0:9323");
        SwarmSpec.Portainer p = SwarmSpec.of(Features.PARSER.parse(lab + "  portainer: {}\n", "s.yaml")).portainer();
        assertThat(p.volumes()).isEqualTo("/data/docker/volumes");
        String mixed = swarmLab().replace("    address: 10.79.0.13\n    roles: [swarm-node]\n",
                "    address: 10.79.0.13\n    roles: [swarm-node]\n    docker: {data-root: /data/docker}\n");
        List<LabError> errors = Features.PARSER.read(mixed + "  portainer: {}\n").errors();
        assertThat(errors).singleElement().satisfies(e -> assertThat(e.fix()).contains("same docker.data-root"));
    }

    @Test
    void withoutAVirtualIpItsPortsArePublishedOnTheHost() throws IOException {
        List<LabError> errors = Features.PARSER.read(swarmLab() + "  portainer: {endpointMode: dnsrr}\n").errors();
        assertThat(errors).singleElement().satisfies(e -> assertThat(e.fix()).contains("publishMode: host"));
        assertThat(Features.PARSER.read(swarmLab() + "  portainer: {endpointMode: dnsrr, publishMode: host}\n").errors()).isEmpty();
    }
}
