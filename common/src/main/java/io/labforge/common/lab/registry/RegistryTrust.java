package io.labforge.common.lab.registry;

import io.labforge.common.lab.Lab;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** R6, R19: the registries a host's Docker trusts, each with its CA ({@code registryTrust:} of hosts and roles). */
public record RegistryTrust(List<RegistryCa> registries) {
    public static final RegistryTrust NONE = new RegistryTrust(List.of());

    public RegistryTrust {
        registries = List.copyOf(registries);
    }

    /** The registries a host trusts: its roles' then its own, one CA per registry, the host's winning. */
    public static List<RegistryCa> of(Lab lab, Lab.Host host) {
        return lab.setting(host, RegistryTrustReader.SETTING).registries();
    }

    RegistryTrust merge(RegistryTrust over) {
        Map<String, RegistryCa> m = new LinkedHashMap<>();
        registries.forEach(t -> m.put(t.registry(), t));
        over.registries.forEach(t -> m.put(t.registry(), t));
        return new RegistryTrust(List.copyOf(m.values()));
    }
}
