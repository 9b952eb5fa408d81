package io.labforge.common.lab;

import java.util.List;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A feature's top-level section of the lab file ({@code gitlab:}, {@code swarm:} …): its key, how it is
 * read and checked, and the files next to the lab file it names. Sections are read after the hosts and
 * roles, in the order the features are registered, so a section may look at the ones read before it.
 *
 * @param <T> the section's spec
 */
public interface LabSection<T> {
    String key();

    Class<T> type();

    /** Reads the section (present in the file), reporting every problem to {@code in}; returns null if it cannot. */
    T read(Node node, LabReading in);

    /** The files next to the lab file this section names (they travel with the lab). */
    default List<LabFileRef> files(T spec) {
        return List.of();
    }
}
