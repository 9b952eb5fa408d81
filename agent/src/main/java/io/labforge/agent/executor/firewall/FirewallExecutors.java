package io.labforge.agent.executor.firewall;

import io.labforge.common.exec.Executor;
import java.util.List;

/** The firewall (R2, R16): the agent's executors of this feature. */
public final class FirewallExecutors {
    private FirewallExecutors() {
    }

    public static List<Executor<?>> all() {
        return List.of(
                new FirewallExecutor(),
                new CloseFirewallPortsExecutor());
    }
}
