package io.labforge.common.lab.docker;

import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabReading;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Docker daemon settings of a host, keys as in {@code daemon.json} (R4 {@code data-root}, R15
 * {@code metrics-addr} and {@code experimental}, R19 {@code insecure-registries}), and {@code tls-port}:
 * the Engine API opened there with mutual TLS from the lab's CA.
 */
public record DockerSpec(String dataRoot, String metricsAddr, Boolean experimental, List<String> insecureRegistries, Integer tlsPort) {
    public static final DockerSpec EMPTY = new DockerSpec(null, null, null, null, null);

    /** A host's daemon settings: its roles' settings, then its own, later ones winning. */
    public static DockerSpec of(Lab lab, Lab.Host host) {
        return lab.setting(host, DockerReader.SETTING);
    }

    /** The same while the lab is being read (for the sections that depend on a host's Docker). */
    public static DockerSpec of(LabReading in, Lab.Host host) {
        return in.setting(host, DockerReader.SETTING);
    }

    public boolean isEmpty() {
        return this.equals(EMPTY);
    }

    DockerSpec merge(DockerSpec over) {
        return new DockerSpec(
                over.dataRoot != null ? over.dataRoot : dataRoot,
                over.metricsAddr != null ? over.metricsAddr : metricsAddr,
                over.experimental != null ? over.experimental : experimental,
                over.insecureRegistries != null ? over.insecureRegistries : insecureRegistries,
                over.tlsPort != null ? over.tlsPort : tlsPort);
    }

    /**
     * The {@code daemon.json} keys this spec sets, in a stable order. {@code tls-port} is not one:
     * it makes Labforge add the Engine API socket with mutual TLS from the lab's CA.
     */
    public Map<String, Object> daemonJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (dataRoot != null) {
            m.put("data-root", dataRoot);
        }
        if (metricsAddr != null) {
            m.put("metrics-addr", metricsAddr);
        }
        if (experimental != null) {
            m.put("experimental", experimental);
        }
        if (insecureRegistries != null) {
            m.put("insecure-registries", insecureRegistries);
        }
        return m;
    }

    /** The port of {@code metrics-addr}, or null. */
    public String metricsPort() {
        return metricsAddr == null ? null : metricsAddr.substring(metricsAddr.lastIndexOf(':') + 1);
    }
}
