package io.labforge.orchestrator.bootstrap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.sftp.RemoteFile;
import net.schmizz.sshj.sftp.SFTPClient;
import net.schmizz.sshj.xfer.InMemorySourceFile;

/**
 * What bootstrap does on a host through its SSH session: fixed commands (no lab text is ever part of
 * one), files written over SFTP, and a jar's version read from its manifest.
 */
final class RemoteCommands {
    private RemoteCommands() {
    }

    /** A command's exit status and its output (stdout, then stderr). */
    record Remote(int exit, String out) {
    }

    /** Runs one of bootstrap's fixed commands. */
    static Remote run(SSHClient ssh, String fixedCommand) throws IOException {
        try (Session s = ssh.startSession()) {
            Session.Command c = s.exec(fixedCommand);
            byte[] out = c.getInputStream().readAllBytes();
            byte[] err = c.getErrorStream().readAllBytes();
            c.join(120, TimeUnit.SECONDS);
            Integer exit = c.getExitStatus();
            return new Remote(exit == null ? -1 : exit, new String(out, StandardCharsets.UTF_8) + new String(err, StandardCharsets.UTF_8));
        }
    }

    /** Runs a fixed command that must succeed. */
    static void require(SSHClient ssh, String fixedCommand) throws IOException {
        Remote r = run(ssh, fixedCommand);
        if (r.exit != 0) {
            throw new IOException(fixedCommand + " failed (" + r.exit + "): " + r.out.strip());
        }
    }

    /** Writes {@code content} to {@code path} with {@code mode} unless it already holds exactly that; says whether it wrote. */
    static boolean writeIfDifferent(SSHClient ssh, SFTPClient sftp, String path, String content, int mode) throws IOException {
        Remote current = run(ssh, "cat " + path);
        if (current.exit == 0 && current.out.equals(content)) {
            return false;
        }
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        sftp.put(new InMemorySourceFile() {
            @Override
            public String getName() {
                return Path.of(path).getFileName().toString();
            }

            @Override
            public long getLength() {
                return bytes.length;
            }

            @Override
            public InputStream getInputStream() {
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public int getPermissions() {
                return mode;
            }
        }, path);
        sftp.chmod(path, mode);
        return true;
    }

    /**
     * The {@code Implementation-Version} of the jar at {@code path} on the host, read from its manifest (the
     * jar's first entry, so only its first kilobytes travel); null when the jar says none.
     */
    static String jarVersion(SFTPClient sftp, String path) throws IOException {
        try (RemoteFile f = sftp.open(path); JarInputStream jar = new JarInputStream(f.new RemoteFileInputStream())) {
            return version(jar.getManifest());
        }
    }

    static String version(Manifest manifest) {
        return manifest == null ? null : manifest.getMainAttributes().getValue("Implementation-Version");
    }
}
