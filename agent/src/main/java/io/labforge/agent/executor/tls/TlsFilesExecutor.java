package io.labforge.agent.executor.tls;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.tls.InstallTlsFiles;
import io.labforge.common.messaging.Json;
import io.labforge.common.tls.Pki;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import tools.jackson.databind.node.ObjectNode;

/**
 * The public TLS files (CA, certificate) next to the host's key; its own undo with the previous
 * contents. A certificate equivalent to the one in place is not written again ({@link Pki#equivalent}):
 * re-applying must not rewrite it and restart Docker.
 */
public final class TlsFilesExecutor extends DiffingExecutor<InstallTlsFiles> {

    @Override
    public Class<InstallTlsFiles> commandType() {
        return InstallTlsFiles.class;
    }



    @Override
    protected Outcome run(InstallTlsFiles c, StepContext ctx, boolean apply) {
        String dir = TlsPaths.dir(c.dir());
        ObjectNode previous = Json.object();
        StringBuilder diff = new StringBuilder();
        for (Map.Entry<String, String> f : new TreeMap<>(c.files()).entrySet()) {
            Path path = ctx.root().path(dir + "/" + TlsPaths.file(f.getKey()));
            String wanted = f.getValue() == null ? "" : f.getValue();
            Optional<String> now = Files2.read(path);
            if (!apply && wanted.startsWith("<")) {
                // a plan where the certificate can only be made at apply (the host has no key yet)
                diff.append(now.isPresent() ? "~ " : "+ ").append(dir).append('/').append(f.getKey()).append(" (made at apply)\n");
                previous.put(f.getKey(), now.orElse(""));
                continue;
            }
            X509Certificate wantedCert = null;
            if (!wanted.isEmpty()) {
                try {
                    wantedCert = Pki.certificate(wanted);
                } catch (IllegalArgumentException e) {
                    throw ExecutorException.refused(f.getKey() + " is not a PEM certificate");
                }
            }
            if (now.orElse("").equals(wanted) || wantedCert != null && now.isPresent() && Pki.equivalent(now.get(), wantedCert)) {
                continue;
            }
            previous.put(f.getKey(), now.orElse(""));
            diff.append(wanted.isEmpty() ? "- " : now.isPresent() ? "~ " : "+ ").append(dir).append('/').append(f.getKey())
                    .append('\n');
            if (apply) {
                if (wanted.isEmpty()) {
                    Files2.delete(path);
                } else {
                    Files2.write(path, wanted);
                }
            }
        }
        ObjectNode out = Json.object();
        out.set("previous", previous);
        // the undo of an unchanged step is nothing
        boolean changed = previous.size() > 0;
        return Outcome.of(changed, changed ? diff.toString().strip() : "TLS files in place", out);
    }
}
