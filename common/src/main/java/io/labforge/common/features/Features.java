package io.labforge.common.features;

import io.labforge.common.agent.AgentPresence;
import io.labforge.common.agent.Noop;
import io.labforge.common.lab.Feature;
import io.labforge.common.lab.LabParser;
import io.labforge.common.lab.disk.DiskFeature;
import io.labforge.common.lab.docker.DockerFeature;
import io.labforge.common.lab.firewall.FirewallFeature;
import io.labforge.common.lab.gitlab.GitlabFeature;
import io.labforge.common.lab.host.HostFeature;
import io.labforge.common.lab.kubernetes.KubernetesFeature;
import io.labforge.common.lab.registry.RegistryFeature;
import io.labforge.common.lab.secret.SecretFeature;
import io.labforge.common.lab.swarm.SwarmFeature;
import io.labforge.common.lab.sysctl.SysctlFeature;
import io.labforge.common.lab.tls.TlsFeature;
import io.labforge.common.messaging.MessageTypes;
import io.labforge.common.step.StepEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Every feature of the lab, registered once: the lab file's parser reads their sections and settings,
 * and the message registry decodes their commands. Sections are read in this order (a section may
 * check one read before it: Kubernetes after Swarm). A new feature is one line here.
 */
public final class Features {
    public static final List<Feature> ALL = List.of(
            HostFeature.FEATURE,
            FirewallFeature.FEATURE,
            SysctlFeature.FEATURE,
            DockerFeature.FEATURE,
            DiskFeature.FEATURE,
            TlsFeature.FEATURE,
            RegistryFeature.FEATURE,
            SecretFeature.FEATURE,
            GitlabFeature.FEATURE,
            SwarmFeature.FEATURE,
            KubernetesFeature.FEATURE);

    /** The lab file's reader. */
    public static final LabParser PARSER = new LabParser(ALL);

    /** Every message Labforge sends: the features' commands, step events, presence, and the benchmark's no-op. */
    public static final MessageTypes TYPES = MessageTypes.of(payloads());

    private Features() {
    }

    private static List<Class<?>> payloads() {
        List<Class<?>> all = new ArrayList<>();
        ALL.forEach(f -> all.addAll(f.commands()));
        all.addAll(List.of(StepEvent.class.getPermittedSubclasses()));
        all.addAll(List.of(AgentPresence.class.getPermittedSubclasses()));
        all.add(Noop.class);
        return all;
    }
}
