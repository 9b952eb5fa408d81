package io.labforge.common.lab;

import java.util.List;

/**
 * What a feature adds to the contracts: its sections of the lab file, its settings of hosts and roles,
 * and the command records its workers execute. Each feature package declares one; the list of all of
 * them is the one place a feature is registered ({@code io.labforge.common.features.Features}).
 */
public record Feature(String name, List<LabSection<?>> sections, List<HostSetting<?>> hostSettings, List<Class<?>> commands) {
    public Feature {
        sections = List.copyOf(sections);
        hostSettings = List.copyOf(hostSettings);
        commands = List.copyOf(commands);
    }
}
