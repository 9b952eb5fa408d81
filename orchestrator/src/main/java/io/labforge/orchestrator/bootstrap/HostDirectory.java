package io.labforge.orchestrator.bootstrap;

import io.labforge.common.lab.Lab;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Where {@code hosts bootstrap} reaches each host of a lab over SSH, and the key it logs in with when
 * none is given. By default: each host's address, port 22, no default key. The development rig plugs in
 * its local lab hosts (a container's address, a VM's forwarded port, the local lab's key) through
 * {@link ServiceLoader}.
 */
public interface HostDirectory {
    Optional<Path> defaultKey(Lab lab);

    List<HostBootstrap.Target> targets(Lab lab);

    /** Every host at its address, port 22. */
    HostDirectory LAB_ADDRESSES = new HostDirectory() {
        @Override
        public Optional<Path> defaultKey(Lab lab) {
            return Optional.empty();
        }

        @Override
        public List<HostBootstrap.Target> targets(Lab lab) {
            return lab.hosts().stream().map(h -> new HostBootstrap.Target(h.name(), h.address(), 22)).toList();
        }
    };

    /** The directory on the class path (the development rig's), else {@link #LAB_ADDRESSES}. */
    static HostDirectory find() {
        return ServiceLoader.load(HostDirectory.class).findFirst().orElse(LAB_ADDRESSES);
    }
}
