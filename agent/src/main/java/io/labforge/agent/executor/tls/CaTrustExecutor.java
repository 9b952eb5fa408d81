package io.labforge.agent.executor.tls;

import io.labforge.agent.exec.Apt;
import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.DiffingExecutor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.tls.TrustCa;
import io.labforge.common.messaging.Json;
import io.labforge.common.tls.Pki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * R5: the host's CA store trusts the lab's CA — the Debian way: a certificate in
 * {@code /usr/local/share/ca-certificates/}, then {@code update-ca-certificates}. Its undo is the same
 * command with what the file held before (empty: the file is removed). A plan shows the difference.
 */
public final class CaTrustExecutor extends DiffingExecutor<TrustCa> {
    static final String DIR = "/usr/local/share/ca-certificates";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    @Override
    public Class<TrustCa> commandType() {
        return TrustCa.class;
    }

    @Override
    protected Outcome run(TrustCa c, StepContext ctx, boolean apply) {
        if (c.name() == null || !NAME.matcher(c.name()).matches()) {
            throw ExecutorException.refused("'" + c.name() + "' is not a CA name (lowercase letters, digits, '_', '-')");
        }
        String wanted = c.caPem() == null ? "" : c.caPem();
        if (!wanted.isEmpty() && !wanted.startsWith("<")) {
            try {
                Pki.certificate(wanted);
            } catch (IllegalArgumentException e) {
                throw ExecutorException.refused("the CA for " + c.name() + " is not a PEM certificate");
            }
        }
        String where = DIR + "/labforge-" + c.name() + ".crt";
        Path file = ctx.root().path(where);
        Optional<String> now = Files2.read(file);
        if (now.orElse("").equals(wanted)) {
            return Outcome.of(false, wanted.isEmpty() ? "no " + where : where + " trusted", Json.object().put("previous", now.orElse("")));
        }
        String diff = (wanted.isEmpty() ? "- " : now.isPresent() ? "~ " : "+ ") + where;
        if (!apply || wanted.startsWith("<")) {
            // a plan, or a plan's placeholder for a CA made at apply
            return Outcome.of(true, diff + (wanted.startsWith("<") ? " (made at apply)" : ""), Json.object().put("previous", now.orElse("")));
        }
        if (wanted.isEmpty()) {
            Files2.delete(file);
        } else {
            Files2.write(file, wanted);
        }
        if (ctx.root().isReal()) {
            if (!ProcessRunner.onPath("update-ca-certificates")) {
                Apt.install("ca-certificates", "update-ca-certificates", ctx);
            }
            // a new CA is added incrementally, as Debian's packages add theirs (its link, the bundle, and the hooks told of
            // one certificate: ca-certificates-java imports one, not ~140); a changed or removed one gets --fresh, which
            // rebuilds everything: the hooks hear only of certificates added or removed, and a removed CA's link stays
            // in /etc/ssl/certs without it
            ctx.processes().require(now.isPresent() || wanted.isEmpty() ? List.of("update-ca-certificates", "--fresh")
                    : List.of("update-ca-certificates"), Duration.ofMinutes(2), null);
        } else {
            diff += "\n(update-ca-certificates not run: test root " + ctx.root().dir() + ")";
        }
        return Outcome.of(true, diff, Json.object().put("previous", now.orElse("")));
    }
}
