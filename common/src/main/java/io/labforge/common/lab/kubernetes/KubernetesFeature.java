package io.labforge.common.lab.kubernetes;

import io.labforge.common.lab.Feature;
import java.util.List;

/** Kubernetes (R24–R30): the section is read and checked; nothing is planned for it yet. */
public final class KubernetesFeature {
    public static final Feature FEATURE = new Feature("kubernetes", List.of(KubernetesReader.SECTION), List.of(), List.of());

    private KubernetesFeature() {
    }
}
