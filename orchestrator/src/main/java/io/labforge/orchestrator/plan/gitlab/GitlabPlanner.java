package io.labforge.orchestrator.plan.gitlab;

import io.labforge.common.command.GitlabCommand;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.firewall.FirewallSpec;
import io.labforge.common.lab.firewall.FirewallService;
import io.labforge.common.lab.gitlab.GitlabSpec;
import io.labforge.common.lab.gitlab.InstallGitlab;
import io.labforge.common.lab.gitlab.InstallGitlabHooks;
import io.labforge.common.lab.gitlab.RemoveGitlabHooks;
import io.labforge.common.lab.gitlab.RenderGitlabConfig;
import io.labforge.common.lab.gitlab.StopGitlab;
import io.labforge.common.lab.registry.RegistryCa;
import io.labforge.common.lab.secret.ReadSecret;
import io.labforge.common.lab.tls.InstallTlsKey;
import io.labforge.common.lab.tls.LabCaCertificate;
import io.labforge.common.lab.tls.SignCertificate;
import io.labforge.common.lab.tls.TrustCa;
import io.labforge.common.net.PortRange;
import io.labforge.orchestrator.plan.registry.RegistryPlanner;
import io.labforge.orchestrator.plan.secret.SecretSteps;
import io.labforge.orchestrator.plan.tls.TlsSteps;
import io.labforge.orchestrator.planner.FeaturePlanner;
import io.labforge.orchestrator.planner.PlanBuilder;
import io.labforge.orchestrator.planner.StepRef;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Part 1 (R5–R12). On the GitLab host (unless {@code install: existing}): a key and certificate from the
 * lab's CA for its URL's name, FQDN and address as {@code /etc/gitlab/ssl/<url host>.key|.crt} (or the
 * files the lab gives); Labforge's pre-receive hook (R8); {@code gitlab.rb} rendered by gitlab-service,
 * GitLab installed and reconfigured by the agent. Every host trusts the CA that signed GitLab's
 * certificate (its CA store, its Docker for GitLab's registry). Then GitLab's API ({@link GitlabApiSteps}).
 * Secrets (root password, tokens) travel only as references to secret outputs, sealed to their reader.
 */
public final class GitlabPlanner implements FeaturePlanner {
    public static final String SSL_DIR = "/etc/gitlab/ssl";

    /** What the lab's workers trust GitLab by: the CA's PEM (a value or a step's output; null: the system's trust) and the step giving it. */
    record Trust(String caPem, StepId step) {
    }

    /** R5, R6: what GitLab's host opens: http and https (omnibus redirects http), the URL's own port if it names one, the registry's. */
    @Override
    public FirewallSpec openings(Lab lab, Lab.Host host) {
        GitlabSpec g = GitlabSpec.of(lab);
        if (g == null || !g.installs() || !g.host().equals(host.name())) {
            return FirewallSpec.EMPTY;
        }
        List<PortRange> ports = new ArrayList<>();
        int urlPort = URI.create(g.externalUrl()).getPort();
        if (urlPort > 0) {
            ports.add(new PortRange(urlPort, urlPort, "tcp"));
        }
        if (g.registryPort() != null) {
            ports.add(new PortRange(g.registryPort(), g.registryPort(), "tcp"));
        }
        return new FirewallSpec(null, ports, List.of(FirewallService.of("http"), FirewallService.of("https")));
    }

    @Override
    public void plan(PlanBuilder plan) {
        GitlabSpec g = GitlabSpec.of(plan.lab());
        if (g == null) {
            return;
        }
        Lab.Host h = plan.lab().requireHost(g.host());
        Trust trust;
        StepId installed = null;
        if (g.installs()) {
            StepRef<?> files;
            if (g.tls() == null) {
                TlsSteps.ServerTls tls = labCaTls(plan, g, h);
                files = tls.files();
                trust = new Trust(tls.certificate().text(SignCertificate.CA), tls.certificate().id());
            } else {
                files = givenTls(plan, g, h);
                trust = new Trust(g.tls().caPem(), files.id());
            }
            installed = install(plan, g, h, files).id();
        } else if (g.tls() != null && g.tls().isPublic()) {
            trust = new Trust(null, null); // a public certificate: trusted as the system trusts it, nothing to install
        } else {
            StepRef<LabCaCertificate> ca = TlsSteps.labCa(plan);
            trust = new Trust(ca.text(LabCaCertificate.CA), ca.id());
            installed = ca.id();
        }
        if (trust.step() != null) {
            trustEverywhere(plan, g, trust);
        }
        new GitlabApiSteps(plan, g, h, trust.caPem()).plan(installed);
    }

    /** GitLab's certificate from the lab's CA, for the URL's name too, where omnibus reads it. */
    private static TlsSteps.ServerTls labCaTls(PlanBuilder plan, GitlabSpec g, Lab.Host h) {
        String name = g.urlHost();
        return TlsSteps.serverCertificate(plan, h, "gitlab-tls", SSL_DIR,
                new TlsSteps.Files(name + ".key", name + ".crt", "labforge-ca.crt", List.of(name)), plan.last(h.name()));
    }

    /**
     * GitLab's TLS from the lab's files: the certificate and CA as given (public, in the step's inputs), the
     * key from the orchestrator's secret (sealed to the host), mode 600; the same file names as with the lab's CA.
     */
    private static StepRef<?> givenTls(PlanBuilder plan, GitlabSpec g, Lab.Host h) {
        GitlabSpec.Tls t = g.tls();
        if (t.certificatePem() == null || t.caPem() == null) {
            throw new IllegalArgumentException("gitlab.tls: " + t.certificate() + " and " + t.ca()
                    + " must come with the lab (labforge apply sends them)");
        }
        String name = g.urlHost();
        StepRef<ReadSecret> keySecret = SecretSteps.read(plan, t.keySecret());
        StepRef<InstallTlsKey> key = plan.step(PlanBuilder.id("gitlab-tls-key", h.name()), h.name(),
                        new InstallTlsKey(SSL_DIR, name + ".key", keySecret.text(ReadSecret.VALUE)))
                .after(plan.last(h.name()), keySecret.id())
                .undo(self -> new InstallTlsKey(SSL_DIR, name + ".key", self.text(InstallTlsKey.PREVIOUS)))
                .add();
        return TlsSteps.files(plan, PlanBuilder.id("gitlab-tls-files", h.name()), h, SSL_DIR,
                Map.of(name + ".crt", t.certificatePem(), "labforge-ca.crt", t.caPem()), key.id());
    }

    /** R8's hook, gitlab.rb rendered by gitlab-service, GitLab installed (and reconfigured when gitlab.rb changed). */
    private static StepRef<InstallGitlab> install(PlanBuilder plan, GitlabSpec g, Lab.Host h, StepRef<?> tls) {
        String lab = plan.lab().name();
        StepRef<InstallGitlabHooks> hooks = plan.step(PlanBuilder.id("gitlab-hooks", h.name()), h.name(), new InstallGitlabHooks(g.hooksDir()))
                .after(tls)
                .timeout(Duration.ofMinutes(10))
                .undo(self -> new RemoveGitlabHooks(g.hooksDir(), false))
                .undoFrom("created", InstallGitlabHooks.CREATED)
                .add();
        StepRef<RenderGitlabConfig> config = plan.step(PlanBuilder.id("gitlab-config", GitlabCommand.TARGET), GitlabCommand.TARGET,
                new RenderGitlabConfig(lab, g.externalUrl(), g.registryPort(), SSL_DIR, g.hooksDir(), g.monitoringAllow())).add();
        List<StepId> after = new ArrayList<>(List.of(hooks.id(), config.id()));
        String rootPassword = null;
        if (g.rootPasswordSecret() != null) {
            StepRef<ReadSecret> pw = SecretSteps.read(plan, g.rootPasswordSecret());
            rootPassword = pw.text(ReadSecret.VALUE);
            after.add(pw.id());
        }
        StepRef<InstallGitlab> install = plan.step(PlanBuilder.id("gitlab-install", h.name()), h.name(),
                        new InstallGitlab(g.install(), g.externalUrl(), config.text(RenderGitlabConfig.GITLAB_RB), rootPassword, g.image(),
                                g.registryPort(), g.packageRepository()))
                .after(after)
                .timeout(Duration.ofMinutes(60))
                .undo(self -> new StopGitlab(g.install(), false))
                .undoFrom("installed", InstallGitlab.INSTALLED)
                .add();
        plan.advance(h.name(), install);
        return install;
    }

    /** R5: the CA trusted where GitLab is used: every host's CA store (git, curl, gitlab-runner), and its Docker for GitLab's registry. */
    private static void trustEverywhere(PlanBuilder plan, GitlabSpec g, Trust trust) {
        for (Lab.Host x : plan.lab().hosts()) {
            StepRef<TrustCa> store = TlsSteps.trustCa(plan, PlanBuilder.id("gitlab-ca", x.name()), x, trust.caPem(), plan.last(x.name()),
                    trust.step());
            plan.advance(x.name(), store);
            if (g.registryPort() != null) {
                RegistryPlanner.trust(plan, PlanBuilder.id("gitlab-registry-ca", x.name()), x,
                        List.of(new RegistryCa(g.urlHost() + ":" + g.registryPort(), trust.caPem())), store.id());
            }
        }
    }
}
