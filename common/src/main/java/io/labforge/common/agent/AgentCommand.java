package io.labforge.common.agent;

import io.labforge.common.messaging.Message;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The commands an agent executes on its host. Each has a check (what would change) and an apply;
 * every apply is idempotent. Compensations are commands too, next to what they undo.
 */
public sealed interface AgentCommand {

    /** R1. Outputs: {@code hostname}, {@code fqdn}, {@code previousHostname}. */
    @Message(name = "agent.SetHostname")
    record SetHostname(String hostname, String domain) implements AgentCommand {
    }

    /** Undoes {@link SetHostname}. */
    @Message(name = "agent.RestoreHostname")
    record RestoreHostname(String hostname) implements AgentCommand {
    }

    /**
     * R1. A block of {@code /etc/hosts} that Labforge owns, between marker lines; lines outside it
     * are never touched. Outputs: {@code previousBlock} (empty when there was none).
     */
    @Message(name = "agent.EnsureHostsEntries")
    record EnsureHostsEntries(List<HostsEntry> entries) implements AgentCommand {
    }

    record HostsEntry(String address, List<String> names) {
    }

    /** Undoes {@link EnsureHostsEntries}: puts the previous block back, or removes the block. */
    @Message(name = "agent.RestoreHostsEntries")
    record RestoreHostsEntries(String previousBlock) implements AgentCommand {
    }

    /**
     * R4, R15, R19. Sets these keys of {@code /etc/docker/daemon.json} (other keys are kept) and
     * restarts the daemon only when the file changed. Outputs: {@code previousContent},
     * {@code existed}, {@code restarted}.
     */
    @Message(name = "agent.ConfigureDockerDaemon")
    record ConfigureDockerDaemon(Map<String, JsonNode> settings) implements AgentCommand {
    }

    /** Undoes {@link ConfigureDockerDaemon}. */
    @Message(name = "agent.RestoreDockerDaemon")
    record RestoreDockerDaemon(String previousContent, boolean existed) implements AgentCommand {
    }

    /**
     * R4. Docker from the distribution's packages ({@code docker.io}), unless a Docker daemon is
     * already installed. Outputs: {@code installed} (true when this step installed it).
     */
    @Message(name = "agent.EnsureDockerInstalled")
    record EnsureDockerInstalled() implements AgentCommand {
    }

    /**
     * R6, R19. Trust these registries' CA: {@code /etc/docker/certs.d/<registry>/ca.crt}, which the
     * Docker daemon reads at each pull and push, without a restart. Outputs: {@code previous}, per
     * registry the certificate that was there (empty when none).
     */
    @Message(name = "agent.TrustRegistries")
    record TrustRegistries(List<RegistryCa> registries) implements AgentCommand {
    }

    /** A registry ({@code host:port}) and the CA certificate (PEM) its TLS certificate is signed by. */
    record RegistryCa(String registry, String caPem) {
    }

    /** Undoes {@link TrustRegistries}: puts back what was there, or removes what the step added. */
    @Message(name = "agent.RestoreRegistryTrust")
    record RestoreRegistryTrust(List<RegistryCa> previous) implements AgentCommand {
    }

    /**
     * A TLS key made on the host, in {@code dir}/key.pem (mode 600; kept when it exists), so the
     * private key never travels. Outputs: {@code csr} (PEM, for the lab's CA), {@code created}.
     */
    @Message(name = "agent.CreateTlsKey")
    record CreateTlsKey(String dir, String commonName, String keyFile) implements AgentCommand {
        /** The key's file name in {@code dir}: {@code key.pem} unless given (GitLab wants {@code <host>.key}). */
        public String keyFileName() {
            return keyFile == null ? "key.pem" : keyFile;
        }
    }

    /** Undoes {@link CreateTlsKey}: removes the key, only when that step created it. */
    @Message(name = "agent.RemoveTlsKey")
    record RemoveTlsKey(String dir, boolean created, String keyFile) implements AgentCommand {
        public String keyFileName() {
            return keyFile == null ? "key.pem" : keyFile;
        }
    }

    /**
     * Public TLS files in {@code dir} ({@code ca.pem}, {@code cert.pem}); an empty content removes
     * the file. Outputs: {@code previous}, the same map with what was there (its own undo).
     */
    @Message(name = "agent.InstallTlsFiles")
    record InstallTlsFiles(String dir, Map<String, String> files) implements AgentCommand {
    }

    /**
     * R2, R16. Opens ports ({@code 2377/tcp}, {@code 30000-32767/tcp}) and services ({@code https})
     * through firewalld when it runs, nftables otherwise. Outputs: {@code backend}, {@code added}
     * (only what this step opened), {@code rules} (the applied configuration, for the lab report).
     */
    @Message(name = "agent.OpenFirewallPorts")
    record OpenFirewallPorts(String zone, List<String> ports, List<String> services) implements AgentCommand {
    }

    /** Undoes {@link OpenFirewallPorts}: closes only what it opened. */
    @Message(name = "agent.CloseFirewallPorts")
    record CloseFirewallPorts(String zone, List<String> ports, List<String> services) implements AgentCommand {
    }

    /**
     * R3. A whole disk as an LVM physical volume in {@code volumeGroup}, with logical volumes, their
     * filesystems, mount points and {@code /etc/fstab} entries (by UUID). The disk is found by
     * {@code device}, else {@code serial}, else {@code diskSize} (the one unused disk of that size).
     * Everything is checked before anything changes. Outputs: {@code device} and what this step created
     * ({@code pvCreated}, {@code vgCreated}, {@code lvsCreated}, {@code fstabAdded}, {@code mounted}).
     */
    @Message(name = "agent.EnsureDisk")
    record EnsureDisk(String device, String serial, Long diskSize, String volumeGroup, List<Volume> volumes)
            implements AgentCommand {
    }

    /** A logical volume of {@link EnsureDisk}: size {@code 15G}, {@code 512M} or {@code 100%FREE}. */
    record Volume(String name, String size, String filesystem, String mount, boolean allowShrink) {
    }

    /** Undoes {@link EnsureDisk}: only what it created, in reverse (unmount, fstab, lvremove, vgremove, pvremove). */
    @Message(name = "agent.RemoveDisk")
    record RemoveDisk(String device, String volumeGroup, boolean pvCreated, boolean vgCreated, List<String> lvsCreated,
            List<String> fstabAdded, List<String> mounted) implements AgentCommand {
    }

    /**
     * R19: a Docker registry on this host (Debian's {@code docker-registry}, installed if missing) on
     * {@code port}, over TLS with the key and certificate in {@code tlsDir}, no authentication, images
     * under {@code /var/lib/docker-registry}. Outputs {@code previousConfig}, {@code existed} for its undo.
     */
    @Message(name = "agent.EnsureRegistry")
    record EnsureRegistry(int port, String tlsDir) implements AgentCommand {
    }

    /** Undoes {@link EnsureRegistry}: the previous configuration back, and the service as enabled and running as it was. */
    @Message(name = "agent.RestoreRegistry")
    record RestoreRegistry(String previousConfig, boolean existed, boolean wasEnabled, boolean wasActive) implements AgentCommand {
    }

    /**
     * R17: makes this host the first manager of a new swarm (or finds it is one already). Outputs:
     * {@code nodeId}, {@code managerAddress} ({@code addr:2377}), {@code created}, and the secret
     * {@code workerToken} and {@code managerToken}.
     */
    @Message(name = "agent.SwarmInit")
    record SwarmInit(String advertiseAddress, int dataPathPort, List<String> defaultAddrPool) implements AgentCommand {
    }

    /** R17: joins the swarm of {@code managerAddress} as {@code worker} or {@code manager}; {@code token} is a secret. */
    @Message(name = "agent.SwarmJoin")
    record SwarmJoin(String role, String managerAddress, String token, String advertiseAddress) implements AgentCommand {
    }

    /** Undoes {@link SwarmInit} or {@link SwarmJoin}: leaves the swarm, only if that step made this host a member. */
    @Message(name = "agent.SwarmLeave")
    record SwarmLeave(boolean member) implements AgentCommand {
    }

    /**
     * R20: the images of a compose file built on this host and pushed ({@code docker-compose build},
     * {@code push}, for the services with a {@code build:} section). {@code files} (path in the stack's
     * directory → content) are written under {@code /var/lib/labforge/stacks/<stack>/build}; {@code env} are
     * the compose file's variables. Outputs {@code images} (service → image reference).
     */
    @Message(name = "agent.BuildStack")
    record BuildStack(String stack, String compose, Map<String, String> files, Map<String, String> env) implements AgentCommand {
    }

    /**
     * R20: {@code docker stack deploy} of a compose file on this manager, awaited until every service
     * runs its replicas. Outputs {@code created} (the stack did not exist), {@code services}.
     */
    @Message(name = "agent.DeployStack")
    record DeployStack(String stack, String compose, Map<String, String> files, Map<String, String> env) implements AgentCommand {
    }

    /** Undoes {@link DeployStack}: {@code docker stack rm}, only if that step created the stack. */
    @Message(name = "agent.RemoveStack")
    record RemoveStack(String stack, boolean created) implements AgentCommand {
    }

    /**
     * R5: the host's own CA store trusts {@code caPem} (curl, git, gitlab-runner, the JDK through
     * ca-certificates): {@code /usr/local/share/ca-certificates/labforge-<name>.crt}, then
     * {@code update-ca-certificates}. Outputs {@code previous} (what that file held; empty when none).
     */
    @Message(name = "agent.TrustCa")
    record TrustCa(String name, String caPem) implements AgentCommand {
    }

    /**
     * R8: Labforge's pre-receive hook ({@code labforge-lint}: refuses a push whose Dockerfiles or
     * compose files do not parse) installed as a GitLab server hook, {@code <hooksDir>/pre-receive.d/};
     * its interpreter (python3, PyYAML) installed when missing. Outputs {@code created}.
     */
    @Message(name = "agent.InstallGitlabHooks")
    record InstallGitlabHooks(String hooksDir) implements AgentCommand {
    }

    /**
     * R5: GitLab on this host. {@code method}: {@code omnibus} (the {@code gitlab-ce} package from
     * GitLab's apt repository, set up as GitLab documents it: keyring + {@code sources.list.d} entry,
     * {@code packageRepository} defaulting to https://packages.gitlab.com) or {@code container}
     * ({@code image}, default {@code gitlab/gitlab-ce:latest}, with /etc/gitlab, /var/log/gitlab and
     * /var/opt/gitlab from the host). {@code gitlabRb} is written to /etc/gitlab/gitlab.rb (mode 600);
     * {@code gitlab-ctl reconfigure} runs only when it changed. {@code rootPassword} (a secret) is
     * GitLab's initial root password, given as {@code GITLAB_ROOT_PASSWORD} to the first installation
     * only. Outputs {@code installed} (by this step), {@code configChanged}.
     */
    @Message(name = "agent.InstallGitlab")
    record InstallGitlab(String method, String externalUrl, String gitlabRb, String rootPassword, String image, Integer registryPort,
            String packageRepository) implements AgentCommand {
    }

    /** Undoes {@link InstallGitlab}: GitLab stopped ({@code gitlab-ctl stop}, or its container stopped and, if the step made it, removed); data kept. */
    @Message(name = "agent.StopGitlab")
    record StopGitlab(String method, boolean installed) implements AgentCommand {
    }

    /**
     * An API token for Labforge, made on the GitLab host the documented programmatic way
     * ({@code gitlab-rails runner}: a personal access token of {@code root} with {@code scopes}, set to
     * a value the agent draws). Kept in /var/lib/labforge/gitlab/&lt;name&gt;.token (mode 600) and reused
     * while GitLab says it is active. Secret output {@code token}.
     */
    @Message(name = "agent.CreateGitlabToken")
    record CreateGitlabToken(String method, String name, List<String> scopes, Integer expiresInDays) implements AgentCommand {
    }

    /** Undoes {@link CreateGitlabToken}: the token revoked in GitLab and its file removed. */
    @Message(name = "agent.RevokeGitlabToken")
    record RevokeGitlabToken(String method, String name) implements AgentCommand {
    }

    /**
     * R9: gitlab-runner on this host (installed from GitLab's apt repository when missing) and registered
     * with a runner created through the API: {@code gitlab-runner register --non-interactive --url
     * --name --executor docker|shell [--docker-image] --tls-ca-file --template-config}, the token given in
     * {@code CI_SERVER_TOKEN} (not on the command line). The template carries {@code extraHosts}
     * ({@code name:address}) into {@code [runners.docker] extra_hosts}. An empty {@code runnerToken}
     * means the runner existed in GitLab already: fine if this host holds its registration, an error
     * otherwise. Outputs {@code registered} (by this step).
     */
    @Message(name = "agent.RegisterRunner")
    record RegisterRunner(String name, String url, String runnerToken, String executor, String dockerImage, String caPem,
            List<String> extraHosts, String packageRepository) implements AgentCommand {
    }

    /** Undoes {@link RegisterRunner}: {@code gitlab-runner unregister --name}, when that step registered it. */
    @Message(name = "agent.UnregisterRunner")
    record UnregisterRunner(String name, boolean registered) implements AgentCommand {
    }

    /**
     * R7: an image of this host's Docker pushed to a GitLab project's registry under GitLab's naming
     * convention, {@code <registry>/<namespace>/<project>/<image>:<tag>} ({@code projectPath} is
     * {@code <namespace>/<project>}), logged in as the namespace's user with {@code token} (a secret,
     * written only into a temporary Docker configuration of mode 600). Outputs {@code image},
     * {@code digest}.
     */
    @Message(name = "agent.PushImage")
    record PushImage(String registry, String projectPath, String image, String tag, String source, String token) implements AgentCommand {
    }

    /**
     * A private key the lab gives (a secret, with {@code gitlab.tls}) written as {@code dir/keyFile},
     * mode 600, root's; an empty {@code keyPem} removes the file (the undo of a step that created it).
     * Secret output {@code previous}: what the file held ("" when none), for the undo.
     */
    @Message(name = "agent.InstallTlsKey")
    record InstallTlsKey(String dir, String keyFile, String keyPem) implements AgentCommand {
    }

    /** Undoes {@link InstallGitlabHooks}: removes the hook, only when that step created it. */
    @Message(name = "agent.RemoveGitlabHooks")
    record RemoveGitlabHooks(String hooksDir, boolean created) implements AgentCommand {
    }

    /**
     * Does nothing on the host: used by the benchmark's simulated hosts and by tests of the saga.
     * Fails while {@code attempt <= failAttempts}, then succeeds.
     */
    @Message(name = "agent.Noop")
    record Noop(long sleepMillis, int failAttempts) implements AgentCommand {
    }
}
