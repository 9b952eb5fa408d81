package io.labforge.common.lab;

import org.yaml.snakeyaml.nodes.Node;

/**
 * A feature's key under a host ({@code hosts[i].firewall}) and, when {@link #inRoles()}, under a role:
 * a host's value is its roles' values merged in the order named, then its own.
 *
 * @param <T> the setting's value
 */
public interface HostSetting<T> {
    String key();

    Class<T> type();

    /** Whether roles may carry it too (disks, for one, belong to a single host). */
    default boolean inRoles() {
        return true;
    }

    /** Reads the value at {@code path}, reporting every problem to {@code in}. */
    T read(Node node, String path, LabReading in);

    /** The value of a host that does not set it. */
    T empty();

    /** {@code over} applied on top of {@code base} (a role's, then the host's). */
    default T merge(T base, T over) {
        return over;
    }

    /** Whether a host with this value must be a VM (the default kind of such a host). */
    default boolean needsVm(T value) {
        return false;
    }
}
