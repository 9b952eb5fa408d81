package io.labforge.agent.executor.registry;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.registry.RegistryCa;
import io.labforge.common.messaging.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The CA files under {@code /etc/docker/certs.d/<registry>/ca.crt}: Docker reads them at each
 * pull and push, so trusting a registry needs no daemon restart (MACHINE.md).
 */
final class RegistryTrust {
    /** host or host:port: no slash, no "..", so the path stays under certs.d. */
    private static final Pattern REGISTRY = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,252}[a-z0-9])?(:\\d{1,5})?");

    private RegistryTrust() {
    }

    static Path file(StepContext ctx, String registry) {
        if (registry == null || !REGISTRY.matcher(registry).matches() || registry.contains("..")) {
            throw ExecutorException.refused("'" + registry + "' is not a registry host[:port]");
        }
        return ctx.root().path("/etc/docker/certs.d/" + registry + "/ca.crt");
    }

    static void checkCertificate(String registry, String pem) {
        try {
            CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException | RuntimeException e) {
            throw ExecutorException.refused("the CA given for " + registry + " is not a PEM X.509 certificate");
        }
    }

    /** Makes each registry's CA file hold {@code caPem} (or removes it when empty); returns what it replaced. */
    static Outcome put(List<RegistryCa> wanted, StepContext ctx, boolean apply, boolean reportPrevious) {
        List<RegistryCa> previous = new ArrayList<>();
        StringBuilder diff = new StringBuilder();
        for (RegistryCa r : wanted) {
            Path f = file(ctx, r.registry());
            boolean remove = r.caPem() == null || r.caPem().isBlank();
            if (!remove) {
                checkCertificate(r.registry(), r.caPem());
            }
            Optional<String> now = Files2.read(f);
            String target = remove ? null : r.caPem().strip() + "\n";
            if (remove ? now.isEmpty() : now.isPresent() && now.get().equals(target)) {
                continue;
            }
            previous.add(new RegistryCa(r.registry(), now.orElse("")));
            diff.append(remove ? "- " : now.isPresent() ? "~ " : "+ ").append("/etc/docker/certs.d/").append(r.registry())
                    .append("/ca.crt\n");
            if (apply) {
                if (remove) {
                    Files2.delete(f);
                    try {
                        Files.deleteIfExists(f.getParent());
                    } catch (IOException e) {
                        // the directory holds other files (client certificates): leave it
                    }
                } else {
                    Files2.write(f, target);
                }
            }
        }
        var out = Json.object();
        if (reportPrevious) {
            out.set("previous", Json.tree(previous));
        }
        boolean changed = !previous.isEmpty();
        return Outcome.of(changed, changed ? diff.toString().strip() : "the registries' CAs are already in place", out);
    }
}
