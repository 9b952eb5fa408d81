package io.labforge.common.lab.docker;

import io.labforge.common.lab.Feature;
import java.util.List;

/** Docker on a host (R4, R15, R19): installed from the distribution, {@code daemon.json}, the Engine API over mutual TLS. */
public final class DockerFeature {
    public static final Feature FEATURE = new Feature("docker", List.of(), List.of(DockerReader.SETTING),
            List.of(EnsureDockerInstalled.class, ConfigureDockerDaemon.class, RestoreDockerDaemon.class));

    private DockerFeature() {
    }
}
