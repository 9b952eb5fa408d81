package io.labforge.agent.executor;

import io.labforge.agent.executor.disk.DiskExecutors;
import io.labforge.agent.executor.docker.DockerExecutors;
import io.labforge.agent.executor.firewall.FirewallExecutors;
import io.labforge.agent.executor.gitlab.GitlabExecutors;
import io.labforge.agent.executor.host.HostExecutors;
import io.labforge.agent.executor.kubernetes.KubernetesExecutors;
import io.labforge.agent.executor.noop.NoopExecutors;
import io.labforge.agent.executor.registry.RegistryExecutors;
import io.labforge.agent.executor.swarm.SwarmExecutors;
import io.labforge.agent.executor.sysctl.SysctlExecutors;
import io.labforge.agent.executor.tls.TlsExecutors;
import io.labforge.common.exec.Executor;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every executor the agent has, one line per feature: the one place a new feature's executors join the
 * agent. Each feature package ({@code io.labforge.agent.executor.<feature>}) lists its own.
 */
public final class AgentExecutors {
    private AgentExecutors() {
    }

    public static List<Executor<?>> all() {
        return Stream.of(
                HostExecutors.all(),
                FirewallExecutors.all(),
                SysctlExecutors.all(),
                DockerExecutors.all(),
                DiskExecutors.all(),
                TlsExecutors.all(),
                RegistryExecutors.all(),
                GitlabExecutors.all(),
                SwarmExecutors.all(),
                KubernetesExecutors.all(),
                NoopExecutors.all())
                .flatMap(List::stream).toList();
    }
}
