package io.labforge.common.lab.registry;

import io.labforge.common.lab.Feature;
import java.util.List;

/** Registries (R6, R19): which registries a host's Docker trusts, and the lab's own registry on a swarm host. */
public final class RegistryFeature {
    public static final Feature FEATURE = new Feature("registry", List.of(), List.of(RegistryTrustReader.SETTING),
            List.of(TrustRegistries.class, RestoreRegistryTrust.class, EnsureRegistry.class, RestoreRegistry.class));

    private RegistryFeature() {
    }
}
