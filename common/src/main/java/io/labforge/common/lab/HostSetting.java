package io.labforge.common.lab;

import java.util.function.BinaryOperator;
import java.util.function.Predicate;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A feature's key under a host ({@code hosts[i].firewall}) and, when {@link #inRoles()}, under a role:
 * a host's value is its roles' values merged in the order named, then its own. A feature declares one
 * with {@link #of} (or {@link #hostOnly}).
 *
 * @param <T> the setting's value
 */
public interface HostSetting<T> {
    String key();

    Class<T> type();

    /** Whether roles may carry it too (disks, for one, belong to a single host). */
    boolean inRoles();

    /** Reads the value at {@code path}, reporting every problem to {@code in}. */
    T read(Node node, String path, LabReading in);

    /** The value of a host that does not set it. */
    T empty();

    /** {@code over} applied on top of {@code base} (a role's, then the host's). */
    T merge(T base, T over);

    /** Whether a host with this value must be a VM (the default kind of such a host). */
    boolean needsVm(T value);

    /** How a setting's value is read from the lab file. */
    @FunctionalInterface
    interface Reader<T> {
        T read(Node node, String path, LabReading in);
    }

    /** A setting of hosts and roles, merged by {@code merge}. */
    static <T> HostSetting<T> of(String key, Class<T> type, T empty, BinaryOperator<T> merge, Reader<T> reader) {
        return new Declared<>(key, type, empty, merge, true, v -> false, reader);
    }

    /** A setting of a host alone; {@code needsVm}: whether a host with that value must be a VM. */
    static <T> HostSetting<T> hostOnly(String key, Class<T> type, T empty, Predicate<T> needsVm, Reader<T> reader) {
        return new Declared<>(key, type, empty, (base, over) -> over, false, needsVm, reader);
    }

    /** The setting {@link #of} and {@link #hostOnly} declare. */
    record Declared<T>(String key, Class<T> type, T empty, BinaryOperator<T> merger, boolean inRoles, Predicate<T> vm, Reader<T> reader)
            implements HostSetting<T> {
        @Override
        public T read(Node node, String path, LabReading in) {
            return reader.read(node, path, in);
        }

        @Override
        public T merge(T base, T over) {
            return merger.apply(base, over);
        }

        @Override
        public boolean needsVm(T value) {
            return vm.test(value);
        }
    }
}
