package io.labforge.orchestrator.bootstrap;

import java.io.File;
import java.io.IOException;
import java.security.PublicKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.common.SecurityUtils;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;

/**
 * Host keys, trusted on first use: an unknown host's key is recorded in Labforge's known_hosts file;
 * a known host that shows another key is refused, and the refusal says how to proceed. One instance
 * serves all the hosts of a bootstrap at once, so its checks and writes are serialised.
 */
public final class TofuKnownHosts extends OpenSSHKnownHosts {
    private final Map<String, String> changed = new ConcurrentHashMap<>();

    public TofuKnownHosts(File file) throws IOException {
        super(file);
    }

    @Override
    public synchronized boolean verify(String hostname, int port, PublicKey key) {
        return super.verify(hostname, port, key);
    }

    @Override
    protected boolean hostKeyUnverifiableAction(String hostname, PublicKey key) {
        try {
            entries().add(new HostEntry(null, hostname, KeyType.fromKey(key), key));
            write();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    protected boolean hostKeyChangedAction(String hostname, PublicKey key) {
        changed.put(hostname, hostname + " now shows key " + SecurityUtils.getFingerprint(key));
        return false;
    }

    String changedReason(String hostname) {
        return changed.get(hostname);
    }

    /** Forgets a host (its machine was rebuilt, e.g. by labforge lab down/up). */
    static void forget(File file, String hostname) throws IOException {
        if (!file.exists()) {
            return;
        }
        TofuKnownHosts k = new TofuKnownHosts(file);
        k.entries().removeIf(e -> {
            try {
                return e.appliesTo(hostname);
            } catch (IOException ex) {
                return false;
            }
        });
        k.write();
    }
}
