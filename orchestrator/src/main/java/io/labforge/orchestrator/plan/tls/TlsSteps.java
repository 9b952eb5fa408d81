package io.labforge.orchestrator.plan.tls;

import io.labforge.common.command.OrchestratorCommand;
import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.tls.CreateTlsKey;
import io.labforge.common.lab.tls.InstallTlsFiles;
import io.labforge.common.lab.tls.LabCaCertificate;
import io.labforge.common.lab.tls.RemoveTlsKey;
import io.labforge.common.lab.tls.SignCertificate;
import io.labforge.common.lab.tls.TrustCa;
import io.labforge.orchestrator.planner.PlanBuilder;
import io.labforge.orchestrator.planner.StepRef;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * TLS steps the features that serve TLS share (Docker's Engine API, the registry, GitLab): a server
 * certificate from the lab's CA for a host, whose key is made on the host and never travels; public
 * files installed; the lab's CA itself; a CA trusted by a host.
 */
public final class TlsSteps {
    public static final String LAB_CA = "lab-ca";

    private TlsSteps() {
    }

    /** The file names a server certificate's steps write, and names the certificate holds beside the host's own. */
    public record Files(String key, String certificate, String ca, List<String> extraNames) {
        public static final Files DEFAULT = new Files("key.pem", "cert.pem", "ca.pem", List.of());
    }

    /** A server certificate's steps: the certificate (its output {@code ca} is the lab's CA) and the installed files. */
    public record ServerTls(StepRef<SignCertificate> certificate, StepRef<InstallTlsFiles> files) {
    }

    /**
     * A server certificate for a host from the lab's CA: {@code <prefix>-key} (the key made on the host,
     * which answers with a request; after {@code after}), {@code <prefix>-cert} (signed by the
     * orchestrator for the host's names and address) and {@code <prefix>-files} (certificate and CA
     * installed in {@code dir}).
     */
    public static ServerTls serverCertificate(PlanBuilder plan, Lab.Host h, String prefix, String dir, Files names, StepId after) {
        Lab lab = plan.lab();
        String fqdn = lab.fqdn(h);
        StepRef<CreateTlsKey> key = plan.step(PlanBuilder.id(prefix + "-key", h.name()), h.name(), new CreateTlsKey(dir, fqdn, names.key()))
                .after(after)
                .undo(self -> new RemoveTlsKey(dir, false, names.key()))
                .undoFrom("created", CreateTlsKey.CREATED)
                .add();
        List<String> dns = new ArrayList<>(new LinkedHashSet<>(concat(List.of(fqdn, h.name()), names.extraNames())));
        StepRef<SignCertificate> cert = plan.step(PlanBuilder.id(prefix + "-cert", h.name()), OrchestratorCommand.TARGET,
                        new SignCertificate(key.text(CreateTlsKey.CSR), fqdn, dns, List.of(h.address()), "SERVER"))
                .after(key)
                .add();
        StepRef<InstallTlsFiles> files = files(plan, PlanBuilder.id(prefix + "-files", h.name()), h, dir,
                Map.of(names.ca(), cert.text(SignCertificate.CA), names.certificate(), cert.text(SignCertificate.CERTIFICATE)), cert.id());
        return new ServerTls(cert, files);
    }

    /** Public TLS files (certificate, CA) installed in {@code dir}; the undo puts back what they replaced. */
    public static StepRef<InstallTlsFiles> files(PlanBuilder plan, StepId id, Lab.Host h, String dir, Map<String, String> files, StepId after) {
        return plan.step(id, h.name(), new InstallTlsFiles(dir, files))
                .after(after)
                .undo(self -> new InstallTlsFiles(dir, Map.of()))
                .undoFrom("files", InstallTlsFiles.PREVIOUS)
                .add();
    }

    /** The lab's CA certificate, read by the orchestrator (one step per plan). */
    public static StepRef<LabCaCertificate> labCa(PlanBuilder plan) {
        StepId id = PlanBuilder.id(LAB_CA, OrchestratorCommand.TARGET);
        if (plan.has(id)) {
            return plan.ref(id, LabCaCertificate.class);
        }
        return plan.step(id, OrchestratorCommand.TARGET, new LabCaCertificate()).add();
    }

    /** R5: a host's CA store trusts {@code caPem} (a value, or another step's output) under the lab's name. */
    public static StepRef<TrustCa> trustCa(PlanBuilder plan, StepId id, Lab.Host h, String caPem, StepId... after) {
        String name = plan.lab().name();
        return plan.step(id, h.name(), new TrustCa(name, caPem))
                .after(after)
                .undo(self -> new TrustCa(name, self.text(TrustCa.PREVIOUS)))
                .add();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
