package io.labforge.orchestrator.local;

import io.labforge.common.command.OrchestratorCommand;
import io.labforge.common.lab.secret.ReadSecret;
import io.labforge.common.lab.secret.SecretRef;
import io.labforge.common.lab.tls.LabCaCertificate;
import io.labforge.common.lab.tls.SignCertificate;
import io.labforge.common.messaging.Envelope;
import io.labforge.common.messaging.Json;
import io.labforge.common.messaging.MessageTypes;
import io.labforge.common.step.StepEvent;
import io.labforge.common.tls.Pki;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Runs the steps whose target is the orchestrator itself (see {@link OrchestratorCommand}). */
public final class LocalSteps {
    /** The commands the orchestrator runs itself. */
    private static final MessageTypes TYPES = MessageTypes.of(List.of(SignCertificate.class, ReadSecret.class, LabCaCertificate.class));
    private final Path stateDir;
    private final SecretStore secrets;

    /** {@code env}: where {@code LABFORGE_SECRET_<NAME>} variables are read (the process environment, or a test's). */
    public LocalSteps(Path stateDir, Function<String, String> env) {
        this(stateDir, stateDir.resolve("secrets"), env);
    }

    /** {@code secretsDir}: where {@code labforge secret set} keeps the secrets' files ({@code labforge.secrets-dir}). */
    public LocalSteps(Path stateDir, Path secretsDir, Function<String, String> env) {
        this.stateDir = stateDir;
        this.secrets = SecretStore.at(secretsDir, env);
    }

    private StepEvent readSecret(ReadSecret r, long t0) throws IOException {
        if (r.name() == null || !SecretRef.isName(r.name())) {
            return new StepEvent.Failed("'" + r.name() + "' is not a secret's name", false, 0);
        }
        Optional<String[]> found = secrets.read(r.name());
        if (found.isEmpty()) {
            return new StepEvent.Failed("the lab names secret " + r.name() + " and the orchestrator has none: labforge secret set " + r.name()
                    + " (writes " + secrets.file(r.name()) + ", mode 600) or set " + SecretStore.variable(r.name())
                    + " for the orchestrator, then resume", false, 0);
        }
        // a plan reads it too (reading changes nothing): the checks that need it (GitLab's API) can run; it
        // travels as in an apply, a secret output sealed to the worker that uses it
        return new StepEvent.Succeeded(false, "secret " + r.name() + " read from " + found.get()[1], Json.object().put("value", found.get()[0]),
                List.of("value"), false, (System.nanoTime() - t0) / 1_000_000);
    }

    /** The step's answer, as a worker would give it. */
    public StepEvent run(Envelope cmd) {
        long t0 = System.nanoTime();
        try {
            Object c = TYPES.decode(cmd);
            if (c instanceof SignCertificate s) {
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
            if (c instanceof ReadSecret r) {
                return readSecret(r, t0);
            }
            if (c instanceof LabCaCertificate) {
                return new StepEvent.Succeeded(false, "the lab's CA", Json.object().put("ca", Pki.pem(LabCa.forLab(stateDir, cmd.labId()).certificate())),
                        List.of(), false, 0);
            }
            return new StepEvent.CommandRejected(StepEvent.Rejection.UNKNOWN_TYPE, "the orchestrator has no step " + cmd.type());
        } catch (IllegalArgumentException e) {
            return new StepEvent.Failed(e.getMessage(), false, (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            return new StepEvent.Failed("cannot read a secret: " + e.getMessage(), true, (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException e) {
            return new StepEvent.Failed(e.toString(), true, (System.nanoTime() - t0) / 1_000_000);
        }
    }
}
