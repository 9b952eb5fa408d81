package io.labforge.common.lab.docker;

import io.labforge.common.lab.HostSetting;
import io.labforge.common.lab.LabReading;
import io.labforge.common.lab.Risk;
import io.labforge.common.lab.YamlWalker;
import io.labforge.common.net.Dns;
import io.labforge.common.net.IpAddress;
import io.labforge.common.net.SystemPaths;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/** {@code docker: {data-root, metrics-addr, experimental, insecure-registries, tls-port}} under a host or a role. */
final class DockerReader {
    static final HostSetting<DockerSpec> SETTING = HostSetting.of("docker", DockerSpec.class, DockerSpec.EMPTY, DockerSpec::merge,
            DockerReader::read);
    private static final Pattern ABSOLUTE_PATH = Pattern.compile("/[A-Za-z0-9._/@+-]*");

    private static DockerSpec read(Node node, String path, LabReading in) {
        YamlWalker w = in.yaml();
        Map<String, Node> d = w.mapping(node, path, Set.of("data-root", "metrics-addr", "experimental", "insecure-registries", "tls-port"),
                Set.of());
        String dataRoot = in.text(d.get("data-root"), path + ".data-root", p -> ABSOLUTE_PATH.matcher(p).matches(), "an absolute path",
                "write a path such as /data/docker");
        if (dataRoot != null && SystemPaths.isSystem(dataRoot)) {
            in.risk(Risk.SYSTEM_PATH, path + ".data-root", d.get("data-root"), "Docker's data in " + dataRoot
                    + " would fill a directory the system lives in", "keep it on its own volume, e.g. /data/docker (R4)");
        }
        String metrics = in.text(d.get("metrics-addr"), path + ".metrics-addr", IpAddress::isHostPort, "an address:port",
                "write e.g. 0.0.0.0:9323 (R15)");
        Boolean experimental = w.bool(d.get("experimental"), path + ".experimental");
        List<String> insecure = d.containsKey("insecure-registries") ? w.strings(d.get("insecure-registries"), path + ".insecure-registries") : null;
        if (insecure != null) {
            for (int i = 0; i < insecure.size(); i++) {
                if (!IpAddress.isHostPort(insecure.get(i)) && !Dns.isName(insecure.get(i))) {
                    w.error(path + ".insecure-registries[" + i + "]", "'" + insecure.get(i) + "' is not a registry host[:port]",
                            "write e.g. registry.lab.example:5000");
                }
            }
        }
        Integer tlsPort = w.integer(d.get("tls-port"), path + ".tls-port", 1, 65535, "port");
        return new DockerSpec(dataRoot, metrics, experimental, insecure == null ? null : List.copyOf(insecure), tlsPort);
    }
}
