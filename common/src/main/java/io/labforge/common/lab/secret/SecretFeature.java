package io.labforge.common.lab.secret;

import io.labforge.common.lab.Feature;
import java.util.List;

/** Secrets a lab names ({@code {secret: NAME}}), read by the orchestrator from its store when a step needs one. */
public final class SecretFeature {
    public static final Feature FEATURE = new Feature("secret", List.of(), List.of(), List.of(ReadSecret.class));

    private SecretFeature() {
    }
}
