package io.labforge.agent.executor.tls;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.tls.InstallTlsKey;
import io.labforge.common.messaging.Json;
import io.labforge.common.tls.Pki;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;

/**
 * {@link InstallTlsKey}: a key the lab gives (not one made on the host), written mode 600. The key
 * never appears in the step's report; what the file held before is a secret output, so the undo can
 * put it back.
 */
public final class TlsKeyInstallExecutor extends DiffingExecutor<InstallTlsKey> {
    @Override
    public Class<InstallTlsKey> commandType() {
        return InstallTlsKey.class;
    }

    @Override
    protected Outcome run(InstallTlsKey c, StepContext ctx, boolean apply) {
        String where = TlsPaths.dir(c.dir()) + "/" + TlsPaths.keyFile(c.keyFile());
        Path path = ctx.root().path(where);
        String wanted = c.keyPem() == null ? "" : c.keyPem().strip();
        if (!wanted.isEmpty() && !wanted.startsWith("<")) {
            Object key;
            try {
                key = Pki.read(wanted);
            } catch (RuntimeException e) {
                key = null;
            }
            if (!(key instanceof PEMKeyPair) && !(key instanceof PrivateKeyInfo)) {
                throw ExecutorException.refused(c.keyFile() + ": the secret given is not a PEM private key (PKCS#8, EC or RSA)");
            }
        }
        Optional<String> now = Files2.read(path).map(String::strip);
        if (now.orElse("").equals(wanted)) {
            return new Outcome(false, wanted.isEmpty() ? "no " + where : where + " in place", Json.object().put("previous", now.orElse("")),
                    List.of("previous"));
        }
        String diff = (wanted.isEmpty() ? "- " : now.isPresent() ? "~ " : "+ ") + where + (wanted.isEmpty() ? "" : " (the lab's key, mode 600)");
        if (apply && !wanted.startsWith("<")) {
            if (wanted.isEmpty()) {
                Files2.delete(path);
            } else {
                Files2.write(path, wanted + "\n", "rw-------");
            }
        }
        return new Outcome(true, diff, Json.object().put("previous", now.orElse("")), List.of("previous"));
    }
}
