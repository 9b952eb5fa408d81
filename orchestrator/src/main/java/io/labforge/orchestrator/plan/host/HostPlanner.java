package io.labforge.orchestrator.plan.host;

import io.labforge.common.id.StepId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.host.EnsureHostsEntries;
import io.labforge.common.lab.host.HostsEntry;
import io.labforge.common.lab.host.RestoreHostname;
import io.labforge.common.lab.host.RestoreHostsEntries;
import io.labforge.common.lab.host.SetHostname;
import io.labforge.orchestrator.planner.FeaturePlanner;
import io.labforge.orchestrator.planner.PlanBuilder;
import io.labforge.orchestrator.planner.Shared;
import io.labforge.orchestrator.planner.StepRef;
import java.util.ArrayList;
import java.util.List;

/**
 * Host basics (R1): each host's name starts its chain; each host's {@code /etc/hosts} follows its own name
 * step and lists every host of the lab, by address, name and (with a domain) fully qualified name. That list
 * is the plan's one shared value ({@link Shared}), not a copy per host: a lab of N hosts plans N such steps
 * with one dependency each, and holds the N entries once.
 */
public final class HostPlanner implements FeaturePlanner {
    /** The name under which the plan holds the lab's hosts list. */
    public static final String HOSTS_ENTRIES = "hosts-entries";

    public static StepId hostname(String host) {
        return PlanBuilder.id("hostname", host);
    }

    public static StepId hostsFile(String host) {
        return PlanBuilder.id("hosts-file", host);
    }

    @Override
    public void plan(PlanBuilder plan) {
        Lab lab = plan.lab();
        List<HostsEntry> entries = new ArrayList<>();
        for (Lab.Host h : lab.hosts()) {
            // the names SetHostname sets and reports (fqdn, hostname): both come from the lab, checked when it was read
            entries.add(new HostsEntry(h.address(), lab.domain() != null ? List.of(h.name() + "." + lab.domain(), h.name()) : List.of(h.name())));
        }
        Shared<List<HostsEntry>> everyHost = plan.shared(HOSTS_ENTRIES, List.copyOf(entries));
        for (Lab.Host h : lab.hosts()) {
            StepRef<SetHostname> name = plan.step(hostname(h.name()), h.name(), new SetHostname(h.name(), lab.domain()))
                    .undo(self -> new RestoreHostname(self.text(SetHostname.PREVIOUS_HOSTNAME)))
                    .add();
            plan.advance(h.name(), name);
            plan.step(hostsFile(h.name()), h.name(), new EnsureHostsEntries(List.of()))
                    .share("entries", everyHost)
                    .after(name)
                    .undo(self -> new RestoreHostsEntries(self.text(EnsureHostsEntries.PREVIOUS_BLOCK)))
                    .add();
        }
    }
}
