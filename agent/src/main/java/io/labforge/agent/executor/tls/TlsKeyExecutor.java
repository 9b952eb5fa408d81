package io.labforge.agent.executor.tls;

import io.labforge.agent.exec.Files2;
import io.labforge.agent.exec.Names;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.tls.CreateTlsKey;
import io.labforge.common.messaging.Json;
import io.labforge.common.tls.Pki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Optional;

/**
 * Makes (or keeps) the host's TLS key and answers with a certificate request: the private key is
 * created here and never leaves the host.
 */
public final class TlsKeyExecutor implements Executor<CreateTlsKey> {

    @Override
    public Class<CreateTlsKey> commandType() {
        return CreateTlsKey.class;
    }

    @Override
    public Outcome check(CreateTlsKey c, StepContext ctx) {
        Path key = ctx.root().path(TlsPaths.dir(c.dir()) + "/" + TlsPaths.keyFile(c.keyFileName()));
        Names.dnsName(c.commonName());
        Optional<String> existing = Files2.read(key);
        if (existing.isPresent()) {
            // the request of the key in place, so a plan can compare the certificate it would get
            try {
                return Outcome.of(false, "TLS key present", Json.object()
                        .put("csr", Pki.csr(Pki.keyPair(existing.get()), c.commonName())).put("created", false));
            } catch (IllegalArgumentException e) {
                throw ExecutorException.refused(c.dir() + "/" + c.keyFileName() + " is not a PEM key pair: remove it, then resume");
            }
        }
        return Outcome.of(true, "+ " + c.dir() + "/" + c.keyFileName() + " (EC P-256, made on the host)", Json.object().put("created", false));
    }

    @Override
    public Outcome apply(CreateTlsKey c, StepContext ctx) {
        Path key = ctx.root().path(TlsPaths.dir(c.dir()) + "/" + TlsPaths.keyFile(c.keyFileName()));
        Names.dnsName(c.commonName());
        Optional<String> existing = Files2.read(key);
        KeyPair pair;
        boolean created = existing.isEmpty();
        if (created) {
            pair = Pki.newKey();
            try {
                Pki.writePrivateKey(key, pair);
            } catch (IOException e) {
                throw new ExecutorException("cannot write " + key + ": " + e.getMessage(), true, e);
            }
        } else {
            try {
                pair = Pki.keyPair(existing.get());
            } catch (IllegalArgumentException e) {
                throw ExecutorException.refused(c.dir() + "/" + c.keyFileName() + " is not a PEM key pair: remove it, then resume");
            }
        }
        return Outcome.of(created, created ? "+ " + c.dir() + "/" + c.keyFileName() + " (EC P-256, made on the host)" : "TLS key present",
                Json.object().put("csr", Pki.csr(pair, c.commonName())).put("created", created));
    }
}
