package io.labforge.common.lab.registry;

import io.labforge.common.lab.HostSetting;
import io.labforge.common.lab.LabReading;
import io.labforge.common.lab.YamlWalker;
import io.labforge.common.net.Dns;
import io.labforge.common.net.IpAddress;
import io.labforge.common.tls.Pki;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/** {@code registryTrust: [{registry, ca}]} under a host or a role. */
final class RegistryTrustReader {
    static final HostSetting<RegistryTrust> SETTING = HostSetting.of("registryTrust", RegistryTrust.class, RegistryTrust.NONE,
            RegistryTrust::merge, RegistryTrustReader::read);

    private static RegistryTrust read(Node node, String path, LabReading in) {
        YamlWalker w = in.yaml();
        List<RegistryCa> out = new ArrayList<>();
        List<Node> items = w.sequence(node, path);
        for (int i = 0; i < items.size(); i++) {
            String p = path + "[" + i + "]";
            Map<String, Node> t = w.mapping(items.get(i), p, Set.of("registry", "ca"), Set.of("registry", "ca"));
            String registry = in.text(t.get("registry"), p + ".registry", r -> IpAddress.isHostPort(r) || Dns.isName(r),
                    "a registry host[:port]", "write e.g. gitlab.tp2.lab:5050");
            String ca = w.string(t.get("ca"), p + ".ca");
            if (ca != null && !Pki.isCertificate(ca)) {
                w.error(p + ".ca", "not a PEM X.509 certificate",
                        "paste the CA certificate, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----, as a block (ca: |)");
                ca = null;
            }
            if (registry != null && ca != null) {
                out.add(new RegistryCa(registry, ca));
            }
        }
        return new RegistryTrust(out);
    }
}
