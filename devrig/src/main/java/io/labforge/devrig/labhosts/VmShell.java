package io.labforge.devrig.labhosts;

import io.labforge.orchestrator.bootstrap.TofuKnownHosts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;

/**
 * Commands in a VM lab host over one kept SSH connection (sshj): a new login costs seconds under
 * TCG. The argv is quoted for the remote shell word by word, so no argument is ever interpreted.
 */
final class VmShell implements AutoCloseable {
    private final String host;
    private final int port;
    private final Path key;
    private final Path knownHosts;
    private SSHClient ssh;

    VmShell(String host, int port, Path key, Path knownHosts) {
        this.host = host;
        this.port = port;
        this.key = key;
        this.knownHosts = knownHosts;
    }

    synchronized Cmd.Result exec(List<String> argv, long timeoutSeconds) {
        try {
            return once(argv, timeoutSeconds);
        } catch (IOException e) {
            close(); // the VM rebooted, or the connection died: one new login
            try {
                return once(argv, timeoutSeconds);
            } catch (IOException again) {
                throw new IllegalStateException("cannot run " + argv.get(0) + " on " + host + ":" + port + ": " + again.getMessage(), again);
            }
        }
    }

    private Cmd.Result once(List<String> argv, long timeoutSeconds) throws IOException {
        if (ssh == null || !ssh.isConnected() || !ssh.isAuthenticated()) {
            SSHClient c = new SSHClient();
            Files.createDirectories(knownHosts.getParent());
            c.addHostKeyVerifier(new TofuKnownHosts(knownHosts.toFile()));
            c.setConnectTimeout(15_000);
            c.connect(host, port);
            c.authPublickey("root", c.loadKeys(key.toString()));
            ssh = c;
        }
        try (Session s = ssh.startSession()) {
            Session.Command c = s.exec(String.join(" ", argv.stream().map(VmShell::quote).toList()));
            // stdout and stderr drained together would need two threads; stderr is small: read it after
            byte[] out = c.getInputStream().readAllBytes();
            byte[] err = c.getErrorStream().readAllBytes();
            c.join(timeoutSeconds, TimeUnit.SECONDS);
            Integer exit = c.getExitStatus();
            return new Cmd.Result(exit == null ? -1 : exit,
                    (new String(out, StandardCharsets.UTF_8) + new String(err, StandardCharsets.UTF_8)).strip());
        }
    }

    /** POSIX single quotes: the remote shell sees each argument as one literal word. */
    static String quote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    @Override
    public synchronized void close() {
        if (ssh != null) {
            try {
                ssh.close();
            } catch (IOException e) {
                // closing anyway
            }
            ssh = null;
        }
    }
}
