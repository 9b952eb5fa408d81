package io.labforge.agent.executor.tls;

import io.labforge.common.exec.Executor;
import java.util.List;

/** TLS and trust: the agent's executors of this feature. */
public final class TlsExecutors {
    private TlsExecutors() {
    }

    public static List<Executor<?>> all() {
        return List.of(
                new TlsKeyExecutor(),
                new RemoveTlsKeyExecutor(),
                new TlsFilesExecutor(),
                new TlsKeyInstallExecutor(),
                new CaTrustExecutor());
    }
}
