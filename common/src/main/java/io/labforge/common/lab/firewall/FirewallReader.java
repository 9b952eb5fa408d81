package io.labforge.common.lab.firewall;

import io.labforge.common.lab.HostSetting;
import io.labforge.common.lab.LabReading;
import io.labforge.common.lab.Risk;
import io.labforge.common.lab.YamlWalker;
import io.labforge.common.net.PortRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/** {@code firewall: {zone, ports, services}} under a host or a role. */
final class FirewallReader {
    /** More ports than this in one range is most of the host: refused unless acknowledged (Kubernetes' NodePorts are 2768). */
    static final int WIDE = 10_000;
    static final HostSetting<FirewallSpec> SETTING = HostSetting.of("firewall", FirewallSpec.class, FirewallSpec.EMPTY,
            FirewallSpec::merge, FirewallReader::read);

    private static FirewallSpec read(Node node, String path, LabReading in) {
        YamlWalker w = in.yaml();
        Map<String, Node> f = w.mapping(node, path, Set.of("zone", "ports", "services"), Set.of());
        FirewallZone zone = null;
        String z = w.string(f.get("zone"), path + ".zone");
        if (z != null) {
            try {
                zone = FirewallZone.of(z);
            } catch (IllegalArgumentException e) {
                w.error(path + ".zone", e.getMessage(), FirewallZone.FIX);
            }
        }
        List<String> raw = w.strings(f.get("ports"), path + ".ports");
        List<PortRange> ports = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            try {
                PortRange range = PortRange.parse(raw.get(i));
                if (range.to() - range.from() + 1 > WIDE) {
                    in.risk(Risk.WIDE_PORT_RANGE, path + ".ports[" + i + "]", null, raw.get(i) + " opens " + (range.to() - range.from() + 1)
                            + " ports: the firewall as good as off (R2)", "open the ports the host serves, e.g. 30000-32767/tcp for NodePorts");
                }
                ports.add(range);
            } catch (IllegalArgumentException e) {
                w.error(path + ".ports[" + i + "]", "'" + raw.get(i) + "' is not a valid port",
                        "write <port>/<tcp|udp> with a port from 1 to 65535, e.g. 2377/tcp or 30000-32767/tcp");
            }
        }
        List<String> names = w.strings(f.get("services"), path + ".services");
        List<FirewallService> services = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            try {
                services.add(FirewallService.of(names.get(i)));
            } catch (IllegalArgumentException e) {
                w.error(path + ".services[" + i + "]", e.getMessage(), FirewallService.FIX);
            }
        }
        return new FirewallSpec(zone, ports, services);
    }
}
