package io.labforge.common.lab;

/**
 * What a lab file may ask that parses but would wreck a host. Each is refused with its fix unless the
 * lab acknowledges it by name ({@code acknowledge: [system-path]}): a lab from someone else is input too.
 */
public enum Risk {
    /** A volume mounted over, or Docker's data kept in, a directory the system lives in ({@code /etc}, {@code /usr} …). */
    SYSTEM_PATH("system-path"),
    /** A firewall opening that spans most ports: the firewall as good as off. */
    WIDE_PORT_RANGE("wide-port-range"),
    /** A host whose address is this machine's loopback or no address at all: the lab would configure the wrong host. */
    LOCAL_ADDRESS("local-address"),
    /** A Kubernetes manifest fetched over plain http: applied with cluster-admin rights, anyone on its path could change it. */
    PLAIN_HTTP_MANIFEST("plain-http-manifest"),
    /**
     * A Kubernetes node running Docker (FORWARD policy DROP) whose pod network Labforge does not install: pods reach
     * other nodes only if that network accepts their traffic ahead of Docker's policy.
     */
    DOCKER_FORWARD_DROP("docker-forward-drop");

    private final String key;

    Risk(String key) {
        this.key = key;
    }

    /** How the lab names it under {@code acknowledge:}. */
    public String key() {
        return key;
    }

    public static Risk byKey(String key) {
        for (Risk r : values()) {
            if (r.key.equals(key)) {
                return r;
            }
        }
        return null;
    }
}
