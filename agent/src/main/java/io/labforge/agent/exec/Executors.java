package io.labforge.agent.exec;

import io.labforge.common.exec.Executor;

import io.labforge.agent.executor.docker.DockerDaemonExecutor;
import io.labforge.agent.executor.docker.DockerInstallExecutor;
import io.labforge.agent.executor.docker.RestoreDockerDaemonExecutor;
import io.labforge.agent.executor.firewall.CloseFirewallPortsExecutor;
import io.labforge.agent.executor.firewall.FirewallExecutor;
import io.labforge.agent.executor.hostname.HostnameExecutor;
import io.labforge.agent.executor.hostname.RestoreHostnameExecutor;
import io.labforge.agent.executor.hosts.HostsFileExecutor;
import io.labforge.agent.executor.hosts.RestoreHostsEntriesExecutor;
import io.labforge.agent.executor.noop.NoopExecutor;
import io.labforge.agent.executor.registry.RegistryTrustExecutor;
import io.labforge.agent.executor.registry.RestoreRegistryTrustExecutor;
import io.labforge.agent.executor.tls.RemoveTlsKeyExecutor;
import io.labforge.agent.executor.tls.TlsFilesExecutor;
import io.labforge.agent.executor.tls.TlsKeyExecutor;
import java.util.List;

/** Every executor the agent has. */
public final class Executors {
    private Executors() {
    }

    public static List<Executor<?>> all() {
        return List.of(new HostnameExecutor(), new RestoreHostnameExecutor(), new HostsFileExecutor(),
                new RestoreHostsEntriesExecutor(), new DockerDaemonExecutor(), new RestoreDockerDaemonExecutor(),
                new FirewallExecutor(), new CloseFirewallPortsExecutor(), new DockerInstallExecutor(),
                new RegistryTrustExecutor(), new RestoreRegistryTrustExecutor(), new TlsKeyExecutor(), new RemoveTlsKeyExecutor(),
                new TlsFilesExecutor(), new io.labforge.agent.executor.disk.DiskExecutor(),
                new io.labforge.agent.executor.disk.RemoveDiskExecutor(), new io.labforge.agent.executor.swarm.SwarmInitExecutor(),
                new io.labforge.agent.executor.swarm.SwarmJoinExecutor(), new io.labforge.agent.executor.swarm.SwarmLeaveExecutor(),
                new io.labforge.agent.executor.registry.RegistryExecutor(), new io.labforge.agent.executor.registry.RegistryExecutor.Restore(),
                new io.labforge.agent.executor.stack.BuildStackExecutor(), new io.labforge.agent.executor.stack.DeployStackExecutor(),
                new io.labforge.agent.executor.stack.RemoveStackExecutor(), new io.labforge.agent.executor.gitlab.GitlabHooksExecutor(),
                new io.labforge.agent.executor.gitlab.GitlabHooksExecutor.Remove(),
                new io.labforge.agent.executor.gitlab.GitlabInstallExecutor(), new io.labforge.agent.executor.gitlab.GitlabInstallExecutor.Stop(),
                new io.labforge.agent.executor.gitlab.GitlabTokenExecutor(), new io.labforge.agent.executor.gitlab.GitlabTokenExecutor.Revoke(),
                new io.labforge.agent.executor.gitlab.RunnerExecutor(), new io.labforge.agent.executor.gitlab.RunnerExecutor.Unregister(),
                new io.labforge.agent.executor.registry.PushImageExecutor(), new io.labforge.agent.executor.tls.TlsKeyInstallExecutor(), new io.labforge.agent.executor.ca.CaTrustExecutor(),
                new NoopExecutor());
    }
}
