package io.labforge.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Fleet mode, for simulating a class of hosts on one machine: {@code java -jar labforge-agent.jar fleet DIR}
 * runs, in one JVM, an {@link Agent} for each {@code *.properties} file in DIR. Each is a whole agent as on
 * its own host: its own identity and keys, journal, Kafka clients (its own certificate, so the broker's
 * ACLs hold per host) and root directory; only the JVM is shared, which is what costs ~100 MB per host
 * when each has its own. Real hosts run one agent each, under systemd.
 */
final class Fleet {
    private Fleet() {
    }

    /** The settings of every agent of the fleet, sorted by file name; two files naming one host, or one state directory, are refused. */
    static List<AgentSettings> settings(Path dir) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".properties")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the fleet's directory " + dir, e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(dir + " holds no *.properties file: write one per simulated host (as hosts bootstrap writes"
                    + " /etc/labforge/agent.properties), with its own labforge.agent.state-dir and labforge.agent.root");
        }
        List<AgentSettings> out = new ArrayList<>();
        Set<String> hosts = new HashSet<>();
        Set<Path> states = new HashSet<>();
        for (Path f : files) {
            AgentSettings s = AgentSettings.fromArgs("--config=" + f);
            if (!hosts.add(s.hostId())) {
                throw new IllegalArgumentException(f + ": another file of the fleet is host " + s.hostId() + " too: one file per host");
            }
            if (!states.add(s.stateDir().toAbsolutePath().normalize())) {
                throw new IllegalArgumentException(f + ": its state-dir " + s.stateDir() + " is another host's: each agent keeps its own keys"
                        + " and journal");
            }
            out.add(s);
        }
        return out;
    }
}
