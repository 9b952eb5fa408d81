package io.labforge.common.lab.tls;

import io.labforge.common.lab.Feature;
import java.util.List;

/**
 * TLS and trust: keys made on the hosts, certificates signed by the lab's CA (the orchestrator holds
 * it), files installed, a CA added to a host's trust store. Used by the features that serve TLS
 * (Docker's Engine API, the registry, GitLab); it has no section of its own.
 */
public final class TlsFeature {
    public static final Feature FEATURE = new Feature("tls", List.of(), List.of(),
            List.of(CreateTlsKey.class, RemoveTlsKey.class, InstallTlsFiles.class, InstallTlsKey.class, TrustCa.class,
                    SignCertificate.class, LabCaCertificate.class));

    private TlsFeature() {
    }
}
