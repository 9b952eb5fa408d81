package io.labforge.orchestrator.bootstrap;

import io.labforge.orchestrator.bootstrap.HostBootstrap.Login;
import io.labforge.orchestrator.bootstrap.HostBootstrap.Outcome;
import io.labforge.orchestrator.bootstrap.HostBootstrap.Target;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.transport.TransportException;

/**
 * One SSH session per host, many hosts at once (at most 16 sessions), each host's key trusted on first use and
 * refused when it changed; one host that fails does not stop the others. What bootstrap and uninstall share.
 */
final class SshHosts {
    private final File knownHosts;
    private final Login login;

    SshHosts(Path knownHosts, Login login) {
        this.knownHosts = knownHosts.toFile();
        this.login = login;
    }

    @FunctionalInterface
    interface OnHost {
        Outcome run(SSHClient ssh, String host, String address) throws IOException;
    }

    List<Outcome> each(List<Target> targets, OnHost action) {
        TofuKnownHosts verifier;
        try {
            Files.createDirectories(knownHosts.toPath().getParent());
            verifier = new TofuKnownHosts(knownHosts);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + knownHosts, e);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(16, Math.max(1, targets.size())));
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (Target t : targets) {
                futures.add(pool.submit(() -> one(t, verifier, action)));
            }
            List<Outcome> out = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    out.add(futures.get(i).get(15, TimeUnit.MINUTES));
                } catch (Exception e) {
                    out.add(new Outcome(targets.get(i).host(), targets.get(i).display(), false, false, e.toString()));
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private Outcome one(Target t, TofuKnownHosts verifier, OnHost action) {
        String host = t.host();
        String address = t.display();
        String knownAs = t.port() == 22 ? t.sshHost() : "[" + t.sshHost() + "]:" + t.port();
        try {
            try (SSHClient ssh = new SSHClient()) {
                ssh.addHostKeyVerifier(verifier);
                ssh.setConnectTimeout(15_000);
                ssh.setTimeout(300_000); // a VM under TCG answers slowly
                try {
                    ssh.connect(t.sshHost(), t.port());
                } catch (TransportException e) {
                    if (verifier.changedReason(knownAs) != null) {
                        return new Outcome(host, address, false, false, "refused: the host key changed since it was first "
                                + "trusted (" + verifier.changedReason(knownAs) + "). If the host was rebuilt, remove its line from "
                                + knownHosts + " and run bootstrap again");
                    }
                    throw e;
                }
                if (login.privateKey() != null) {
                    ssh.authPublickey(login.user(), ssh.loadKeys(login.privateKey().toString()));
                } else {
                    ssh.authPassword(login.user(), login.password().clone());
                }
                return action.run(ssh, host, address);
            }
        } catch (IOException | RuntimeException e) {
            return new Outcome(host, address, false, false, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }
}
