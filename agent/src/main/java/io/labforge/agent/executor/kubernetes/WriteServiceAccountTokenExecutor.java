package io.labforge.agent.executor.kubernetes;

import io.labforge.agent.exec.Files2;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.ProcessRunner;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.kubernetes.WriteServiceAccountToken;
import io.labforge.common.messaging.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * R28: {@code kubectl create token} for a ServiceAccount, written for the lab's user on the control
 * plane (mode 600, theirs); the token is read from kubectl's output, never printed or sent. A token
 * in place is kept (re-apply changes nothing); {@code hours} 0 removes it.
 */
public final class WriteServiceAccountTokenExecutor implements Executor<WriteServiceAccountToken> {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?");
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    @Override
    public Class<WriteServiceAccountToken> commandType() {
        return WriteServiceAccountToken.class;
    }

    @Override
    public Outcome check(WriteServiceAccountToken c, StepContext ctx) {
        Path file = file(c, ctx);
        boolean present = Files.exists(file);
        if (c.hours() == 0) {
            return Outcome.of(present, present ? "- " + display(c, ctx) : "no token at " + display(c, ctx), Json.object());
        }
        return Outcome.of(!present, present ? "a token for " + c.namespace() + "/" + c.account() + " at " + display(c, ctx)
                : "+ a token for " + c.namespace() + "/" + c.account() + " (valid " + c.hours() + " h) at " + display(c, ctx), Json.object());
    }

    @Override
    public Outcome apply(WriteServiceAccountToken c, StepContext ctx) {
        Path file = file(c, ctx);
        if (c.hours() == 0) {
            Outcome before = check(c, ctx);
            Files2.delete(file);
            return before;
        }
        if (Files.exists(file)) {
            return check(c, ctx);
        }
        if (!ctx.root().isReal()) {
            throw ExecutorException.refused("a token needs the cluster: this host root is a test directory");
        }
        if (!ProcessRunner.onPath("kubectl")) {
            throw ExecutorException.refused("kubectl is not installed: the packages step (R25) comes first");
        }
        String token = ctx.processes().query(List.of("kubectl", "--kubeconfig", Kubeadm.ADMIN_CONF, "--namespace", c.namespace(),
                "create", "token", c.account(), "--duration", c.hours() + "h"), Duration.ofMinutes(1)).strip();
        if (token.isEmpty() || token.contains("\n")) {
            throw new ExecutorException("kubectl create token gave no single token for " + c.namespace() + "/" + c.account(), true);
        }
        Files2.write(file, token + "\n", "rw-------");
        if (!"root".equals(owner(c))) {
            ctx.processes().require(List.of("chown", owner(c) + ":", file.toString()), Duration.ofSeconds(10), ctx.progress());
        }
        return Outcome.of(true, "+ a token for " + c.namespace() + "/" + c.account() + " (valid " + c.hours() + " h) at " + display(c, ctx),
                Json.object());
    }

    private static String owner(WriteServiceAccountToken c) {
        return c.user() == null || c.user().isBlank() ? "root" : c.user();
    }

    private static String display(WriteServiceAccountToken c, StepContext ctx) {
        return home(c, ctx) + "/" + c.file();
    }

    private static String home(WriteServiceAccountToken c, StepContext ctx) {
        return "root".equals(owner(c)) ? "/root" : Kubeadm.home(ctx, owner(c));
    }

    private static Path file(WriteServiceAccountToken c, StepContext ctx) {
        if (!NAME.matcher(c.namespace()).matches() || !NAME.matcher(c.account()).matches() || !FILE.matcher(c.file()).matches()
                || c.hours() < 0 || c.hours() > 24 * 365) {
            throw ExecutorException.refused("not a ServiceAccount token this step writes: " + c.namespace() + "/" + c.account() + " → "
                    + c.file() + ", " + c.hours() + " h");
        }
        return ctx.root().path(display(c, ctx));
    }
}
