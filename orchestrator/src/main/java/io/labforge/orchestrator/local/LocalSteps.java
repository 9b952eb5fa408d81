package io.labforge.orchestrator.local;

import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.Json;
import io.labforge.common.orchestrator.OrchestratorCommand;
import io.labforge.common.step.StepEvent;
import io.labforge.common.tls.Pki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Runs the steps whose target is the orchestrator itself (see {@link OrchestratorCommand}). */
public final class LocalSteps {
    private final Path stateDir;

    public LocalSteps(Path stateDir) {
        this.stateDir = stateDir;
    }

    /** The step's answer, as a worker would give it. */
    public StepEvent run(Envelope cmd) {
        long t0 = System.nanoTime();
        try {
            Object c = cmd.payloadObject();
            if (c instanceof OrchestratorCommand.SignCertificate s) {
                LabCa ca = LabCa.forLab(stateDir, cmd.labId());
                if (cmd.dryRun() && (s.csr() == null || s.csr().startsWith("<"))) {
                    return new StepEvent.Succeeded(false, "a certificate will be signed once the host has its key",
                            Json.object().put("certificate", "<made at apply>").put("ca", Pki.pem(ca.certificate())),
                            List.of(), false, 0);
                }
                var cert = Pki.sign(s.csr(), ca.certificate(), ca.key().getPrivate(), s.commonName(), s.dnsNames(),
                        s.ipAddresses(), Pki.Usage.valueOf(s.usage()), Duration.ofDays(825));
                // changed: false: signing changes no host; the host step that installs it says whether it changed
                return new StepEvent.Succeeded(false, "certificate for " + s.commonName() + " " + s.dnsNames() + " "
                        + s.ipAddresses() + ", signed by the lab's CA", Json.object().put("certificate", Pki.pem(cert))
                        .put("ca", Pki.pem(ca.certificate())), List.of(), false, (System.nanoTime() - t0) / 1_000_000);
            }
            return new StepEvent.CommandRejected(StepEvent.Rejection.UNKNOWN_TYPE, "the orchestrator has no step " + cmd.type());
        } catch (IllegalArgumentException e) {
            return new StepEvent.Failed(e.getMessage(), false, (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException e) {
            return new StepEvent.Failed(e.toString(), true, (System.nanoTime() - t0) / 1_000_000);
        }
    }
}
