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
import io.labforge.orchestrator.planner.StepRef;
import java.util.ArrayList;
import java.util.List;

/**
 * Host basics (R1): each host's name starts its chain; each host's {@code /etc/hosts} waits for every
 * host's name step and lists the names those steps report.
 */
public final class HostPlanner implements FeaturePlanner {

    public static StepId hostname(String host) {
        return PlanBuilder.id("hostname", host);
    }

    public static StepId hostsFile(String host) {
        return PlanBuilder.id("hosts-file", host);
    }

    @Override
    public void plan(PlanBuilder plan) {
        Lab lab = plan.lab();
        List<StepId> names = new ArrayList<>();
        for (Lab.Host h : lab.hosts()) {
            StepRef<SetHostname> step = plan.step(hostname(h.name()), h.name(), new SetHostname(h.name(), lab.domain()))
                    .undo(self -> new RestoreHostname(self.text(SetHostname.PREVIOUS_HOSTNAME)))
                    .add();
            plan.advance(h.name(), step);
            names.add(step.id());
        }
        for (Lab.Host h : lab.hosts()) {
            List<HostsEntry> entries = new ArrayList<>();
            for (Lab.Host peer : lab.hosts()) {
                StepRef<SetHostname> name = plan.ref(hostname(peer.name()), SetHostname.class);
                entries.add(new HostsEntry(peer.address(), lab.domain() != null
                        ? List.of(name.text(SetHostname.FQDN), name.text(SetHostname.HOSTNAME)) : List.of(name.text(SetHostname.FQDN))));
            }
            plan.step(hostsFile(h.name()), h.name(), new EnsureHostsEntries(entries))
                    .after(names)
                    .undo(self -> new RestoreHostsEntries(self.text(EnsureHostsEntries.PREVIOUS_BLOCK)))
                    .add();
        }
    }
}
