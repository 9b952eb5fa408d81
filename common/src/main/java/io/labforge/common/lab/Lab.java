package io.labforge.common.lab;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A lab, as read from its file ({@code apiVersion: labforge/v1}, {@code kind: Lab}). Built only by
 * {@link LabParser}, which has validated it: every reference names an existing host or role.
 *
 * <p>The core of a lab is its name, domain, failure policy, roles and hosts; everything else belongs to
 * a feature: a top-level section ({@link LabSection}, e.g. {@code swarm}) or a setting of hosts and roles
 * ({@link HostSetting}, e.g. {@code firewall}). A feature reads its part through its own spec's
 * accessor ({@code SwarmSpec.of(lab)}, {@code FirewallSpec.of(lab, host)}).
 */
public record Lab(
        String name,
        String domain,
        FailurePolicy onFailure,
        Map<String, Role> roles,
        List<Host> hosts,
        Map<LabSection<?>, Object> sections) {

    public static final String API_VERSION = "labforge/v1";

    public Lab {
        roles = Map.copyOf(roles);
        hosts = List.copyOf(hosts);
        sections = Map.copyOf(sections);
    }

    public enum FailurePolicy {
        /** Stop at the failed step; {@code resume} runs it again once the host is fixed. */
        PAUSE,
        /** Undo every completed step, in reverse dependency order. */
        COMPENSATE
    }

    /** What a local lab host is started as. */
    public enum Kind {
        CONTAINER, VM
    }

    /** Settings shared by the hosts that name this role. */
    public record Role(String name, Map<HostSetting<?>, Object> settings) {
        public Role {
            settings = Map.copyOf(settings);
        }
    }

    /**
     * A host of the lab. {@code kind} says what {@code labforge lab up} starts for it: a container (the
     * default) or a qemu VM (the default for a host whose settings need one, e.g. disks: LVM does not run
     * in a container). Hosts that already exist ignore it.
     */
    public record Host(String name, String address, List<String> roles, Kind kind, Map<HostSetting<?>, Object> settings) {
        public Host {
            roles = List.copyOf(roles);
            settings = Map.copyOf(settings);
        }

        /** The host's own value of a setting (its roles' not merged in), or the setting's empty value. */
        public <T> T own(HostSetting<T> setting) {
            Object v = settings.get(setting);
            return v == null ? setting.empty() : setting.type().cast(v);
        }
    }

    /** A feature's top-level section, or null when the lab has none. */
    public <T> T section(LabSection<T> section) {
        Object v = sections.get(section);
        return v == null ? null : section.type().cast(v);
    }

    /** A host's value of a setting: its roles' values in the order named, then its own, merged by the setting. */
    public <T> T setting(Host host, HostSetting<T> setting) {
        return merged(host, setting, roles);
    }

    static <T> T merged(Host host, HostSetting<T> setting, Map<String, Role> roles) {
        T value = setting.empty();
        for (String r : host.roles()) {
            Role role = roles.get(r);
            Object v = role == null ? null : role.settings().get(setting);
            if (v != null) {
                value = setting.merge(value, setting.type().cast(v));
            }
        }
        Object own = host.settings().get(setting);
        return own == null ? value : setting.merge(value, setting.type().cast(own));
    }

    public Optional<Host> host(String hostName) {
        return hosts.stream().filter(h -> h.name().equals(hostName)).findFirst();
    }

    /** The host of that name, which the parser has checked exists. */
    public Host requireHost(String hostName) {
        return host(hostName).orElseThrow(() -> new IllegalArgumentException("lab " + name + " has no host " + hostName));
    }

    /** The host's name with the lab's domain, or the bare name when the lab has none. */
    public String fqdn(Host host) {
        return domain == null ? host.name() : host.name() + "." + domain;
    }

    public List<String> hostNames() {
        return hosts.stream().map(Host::name).toList();
    }
}
