package io.labforge.common.lab.sysctl;

import io.labforge.common.lab.HostSetting;
import io.labforge.common.lab.LabReading;
import io.labforge.common.lab.YamlWalker;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/** {@code sysctl: {net.ipv4.ip_forward: 1}} under a host or a role. */
final class SysctlReader {
    static final HostSetting<SysctlSpec> SETTING = HostSetting.of("sysctl", SysctlSpec.class, SysctlSpec.NONE, SysctlSpec::merge,
            SysctlReader::read);

    private static SysctlSpec read(Node node, String path, LabReading in) {
        YamlWalker w = in.yaml();
        Map<String, String> values = new LinkedHashMap<>();
        w.stringMap(node, path).forEach((key, value) -> {
            if (!SysctlSpec.isKey(key)) {
                w.error(path + "." + key, "'" + key + "' is not a kernel parameter's name",
                        "write its sysctl name, dotted, e.g. net.ipv4.ip_forward (sysctl -a lists them)");
            } else if (!SysctlSpec.isValue(value)) {
                w.error(path + "." + key, "'" + value + "' is not a value sysctl takes", "write a number or a word, e.g. 1");
            } else {
                values.put(key, value);
            }
        });
        return new SysctlSpec(values);
    }
}
