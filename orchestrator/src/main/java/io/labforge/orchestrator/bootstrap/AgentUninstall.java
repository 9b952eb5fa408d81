package io.labforge.orchestrator.bootstrap;

import static io.labforge.orchestrator.bootstrap.RemoteCommands.require;
import static io.labforge.orchestrator.bootstrap.RemoteCommands.run;

import io.labforge.orchestrator.bootstrap.HostBootstrap.Login;
import io.labforge.orchestrator.bootstrap.HostBootstrap.Outcome;
import io.labforge.orchestrator.bootstrap.HostBootstrap.Target;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.schmizz.sshj.SSHClient;

/** {@code labforge hosts uninstall}: what {@link HostBootstrap} put on a host, taken off again, over SSH. */
public final class AgentUninstall {
    private final SshHosts hosts;

    public AgentUninstall(Path knownHosts, Login login) {
        this.hosts = new SshHosts(knownHosts, login);
    }

    /**
     * {@code labforge hosts uninstall}: stops and removes the agent on every host (its unit, jar,
     * configuration, keys, journal, and the state the lab's steps kept under {@code /var/lib/labforge}),
     * checks that nothing of Labforge is left, then has {@code removal} forget the host's identity. What the
     * lab changed on the host (its hostname, Docker's settings, …) stays: compensate the lab's sagas first
     * to undo it, since without an agent they cannot be.
     */
    public List<Outcome> all(List<Target> targets, Removal removal) {
        return hosts.each(targets, (ssh, host, address) -> uninstall(ssh, host, address, removal));
    }

    /** Forgets a host's identity at the orchestrator (its agent was removed); {@code removed}: what was taken off the host. */
    @FunctionalInterface
    public interface Removal {
        void remove(String host, String removed) throws Exception;
    }

    /** What uninstall removes, each with what it is called in its outcome. */
    static final List<String[]> INSTALLED = List.of(new String[] {"/opt/labforge", "agent"}, new String[] {"/etc/labforge", "configuration"},
            new String[] {"/var/lib/labforge-agent", "keys and journal"}, new String[] {"/var/lib/labforge", "the steps' state"});

    private Outcome uninstall(SSHClient ssh, String host, String address, Removal removal) throws IOException {
        List<String> removed = new ArrayList<>();
        if (run(ssh, "test -e " + HostBootstrap.UNIT).exit() == 0) {
            run(ssh, "systemctl disable --now labforge-agent.service");
            require(ssh, "rm -f " + HostBootstrap.UNIT);
            require(ssh, "systemctl daemon-reload");
            removed.add("unit");
        }
        for (String[] p : INSTALLED) {
            if (run(ssh, "test -e " + p[0]).exit() == 0) {
                require(ssh, "rm -rf " + p[0]);
                removed.add(p[1]);
            }
        }
        List<String> left = new ArrayList<>();
        List<String> paths = new ArrayList<>(List.of(HostBootstrap.UNIT));
        INSTALLED.forEach(p -> paths.add(p[0]));
        for (String path : paths) {
            if (run(ssh, "test -e " + path).exit() == 0) {
                left.add(path);
            }
        }
        if (run(ssh, "pgrep -f labforge-agent.jar").exit() == 0) {
            left.add("a running agent process");
        }
        if (!left.isEmpty()) {
            return new Outcome(host, address, false, !removed.isEmpty(), "still there after removal: " + String.join(", ", left));
        }
        String what = removed.isEmpty() ? "nothing of Labforge was there" : "removed: " + String.join(", ", removed);
        try {
            removal.remove(host, what);
        } catch (Exception e) {
            return new Outcome(host, address, false, !removed.isEmpty(), what + "; but its identity could not be removed at the orchestrator: "
                    + (e.getMessage() == null ? e : e.getMessage()));
        }
        return new Outcome(host, address, true, !removed.isEmpty(), what + "; its identity removed at the orchestrator");
    }
}
