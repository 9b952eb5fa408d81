package io.labforge.devrig.labhosts;

import io.labforge.common.lab.Lab;
import io.labforge.orchestrator.bootstrap.HostBootstrap;
import io.labforge.orchestrator.bootstrap.HostDirectory;
import io.labforge.orchestrator.cli.LabforgeCli;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code hosts bootstrap} on this machine's local lab hosts: the local lab's key, and each VM this machine
 * runs on its forwarded port of 127.0.0.1 (every other host on its address). Found by
 * {@link java.util.ServiceLoader} ({@code META-INF/services}).
 */
public final class LocalLabHosts implements HostDirectory {
    @Override
    public Optional<Path> defaultKey(Lab lab) {
        return Optional.of(new LocalLab(lab, LabforgeCli.home()).privateKey());
    }

    @Override
    public List<HostBootstrap.Target> targets(Lab lab) {
        return new LocalLab(lab, LabforgeCli.home()).hosts().stream()
                .map(h -> new HostBootstrap.Target(h.name(), h.sshHost(), h.sshPort())).toList();
    }
}
