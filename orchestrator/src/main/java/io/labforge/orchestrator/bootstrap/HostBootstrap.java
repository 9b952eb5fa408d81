package io.labforge.orchestrator.bootstrap;

import io.labforge.common.tls.Pki;
import io.labforge.common.worker.Registration;
import io.labforge.common.worker.WorkerIdentity;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.sftp.SFTPClient;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.xfer.FileSystemFile;
import net.schmizz.sshj.xfer.InMemorySourceFile;

/**
 * {@code labforge hosts bootstrap}: installs the agent on each host over SSH (sshj), once. Checks
 * the OS (systemd) and Java, copies the agent when it differs, writes its configuration and a
 * systemd unit, and (re)starts it only when something changed. Hosts are done in parallel; one
 * that fails does not stop the others. Every remote command is a fixed string: nothing of the lab
 * file reaches a remote shell (files are written over SFTP).
 */
public final class HostBootstrap {
    static final String JAR = "/opt/labforge/labforge-agent.jar";
    static final String CONFIG = "/etc/labforge/agent.properties";
    static final String UNIT = "/etc/systemd/system/labforge-agent.service";
    static final String STATE = "/var/lib/labforge-agent/";
    static final String IDENTITY = STATE + WorkerIdentity.FILE;
    private static final Pattern JAVA_VERSION = Pattern.compile("version \"(\\d+)");

    /** How to log in: a private key file, or a password given once (never stored). */
    public record Login(String user, Path privateKey, char[] password) {
    }

    /**
     * What bootstrap did on one host; {@code identity}: the agent's, as read through the SSH session
     * (whose host key is pinned), for the orchestrator to register (null when it failed).
     */
    public record Outcome(String host, String address, boolean ok, boolean changed, String detail, WorkerIdentity identity) {
        Outcome(String host, String address, boolean ok, boolean changed, String detail) {
            this(host, address, ok, changed, detail, null);
        }
    }

    private final Path agentJar;
    private final File knownHosts;
    private final Login login;
    private final String kafka;
    private final String publicKey;
    private final String sealingKey;

    /**
     * Registers an agent's identity with the orchestrator (the REST API, as an admin; or the orchestrator
     * in this process) and says what that did. Bootstrap calls it before it starts the agent, so the
     * agent's first announcement is already believed; a registration that fails leaves the agent stopped.
     */
    @FunctionalInterface
    public interface Registrar {
        Registration register(WorkerIdentity identity) throws Exception;
    }

    private final Registrar registrar;

    /**
     * {@code publicKey}: the orchestrator's signing key, which the agent will trust; {@code sealingKey}: its
     * HPKE public key, to which agents seal secret outputs (null: none); {@code registrar}: where each
     * agent's identity is registered.
     */
    public HostBootstrap(Path agentJar, Path knownHosts, Login login, String kafka, String publicKey, String sealingKey,
            Registrar registrar) {
        this.registrar = registrar;
        this.sealingKey = sealingKey == null ? null : sealingKey.strip();
        this.agentJar = agentJar;
        this.knownHosts = knownHosts.toFile();
        this.login = login;
        this.kafka = kafka;
        this.publicKey = publicKey.strip();
    }

    /** For {@link #uninstallAll} only: it copies no jar, writes no configuration and registers nothing. */
    public static HostBootstrap forUninstall(Path knownHosts, Login login) {
        return new HostBootstrap(Path.of("/dev/null"), knownHosts, login, "", "", null, id -> {
            throw new IllegalStateException("uninstall registers nothing");
        });
    }

    /** A host to install: its name in the lab and where its SSH server answers. */
    public record Target(String host, String sshHost, int port) {
        String display() {
            return port == 22 ? sshHost : sshHost + ":" + port;
        }
    }

    /** Bootstraps every host at once (SSH on port 22 of each address); one outcome per host, in order. */
    public List<Outcome> all(List<String[]> hostsAndAddresses) {
        return allTargets(hostsAndAddresses.stream().map(h -> new Target(h[0], h[1], 22)).toList());
    }

    /** Bootstraps every host at once; returns one outcome per host, in the order given. */
    public List<Outcome> allTargets(List<Target> targets) {
        return each(targets, this::install);
    }

    /**
     * {@code labforge hosts uninstall}: stops and removes the agent on every host (its unit, jar,
     * configuration, keys, journal, and the state the lab's steps kept under {@code /var/lib/labforge}),
     * checks that nothing of Labforge is left, then has {@code removal} forget the host's identity. What the
     * lab changed on the host (its hostname, Docker's settings, …) stays: compensate the lab's sagas first
     * to undo it, since without an agent they cannot be.
     */
    public List<Outcome> uninstallAll(List<Target> targets, Removal removal) {
        return each(targets, (ssh, host, address) -> uninstall(ssh, host, address, removal));
    }

    /** Forgets a host's identity at the orchestrator (its agent was removed); {@code removed}: what was taken off the host. */
    @FunctionalInterface
    public interface Removal {
        void remove(String host, String removed) throws Exception;
    }

    @FunctionalInterface
    private interface OnHost {
        Outcome run(SSHClient ssh, String host, String address) throws IOException;
    }

    private List<Outcome> each(List<Target> targets, OnHost action) {
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

    public static void forgetHostKey(Path knownHosts, String address) {
        try {
            TofuKnownHosts.forget(knownHosts.toFile(), address);
        } catch (IOException e) {
            throw new IllegalStateException("cannot update " + knownHosts, e);
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

    private Outcome install(SSHClient ssh, String host, String address) throws IOException {
        if (run(ssh, "test -d /run/systemd/system").exit != 0) {
            return new Outcome(host, address, false, false, "the host does not run systemd: the agent is installed as a systemd unit");
        }
        String os = run(ssh, "cat /etc/os-release").out.lines().filter(l -> l.startsWith("PRETTY_NAME="))
                .map(l -> l.substring(12).replace("\"", "")).findFirst().orElse("unknown OS");
        Remote java = run(ssh, "java -version");
        Matcher m = JAVA_VERSION.matcher(java.out);
        if (java.exit != 0 || !m.find() || Integer.parseInt(m.group(1)) < 17) {
            return new Outcome(host, address, false, false, os + ": Java 17 or newer is needed (found: "
                    + (java.exit != 0 ? "none" : java.out.lines().findFirst().orElse("?")) + "); e.g. apt-get install openjdk-17-jre-headless");
        }
        List<String> changes = new ArrayList<>();
        try (SFTPClient sftp = ssh.newSFTPClient()) {
            sftp.mkdirs("/opt/labforge");
            sftp.mkdirs("/etc/labforge");
            String remoteSum = run(ssh, "sha256sum " + JAR).out.split("\\s+")[0];
            if (!remoteSum.equals(sha256(agentJar))) {
                sftp.put(new FileSystemFile(agentJar.toFile()), JAR);
                changes.add("agent copied");
            }
            if (writeIfDifferent(ssh, sftp, CONFIG, config(host), 0600)) {
                changes.add("configuration written");
            }
            if (writeIfDifferent(ssh, sftp, UNIT, UNIT_TEXT, 0644)) {
                changes.add("systemd unit written");
            }
        }
        WorkerIdentity identity = identity(ssh, host, !changes.isEmpty());
        Registration registered;
        try {
            registered = registrar.register(identity);
        } catch (Exception e) {
            return new Outcome(host, address, false, !changes.isEmpty(), "the agent's identity " + identity.fingerprint()
                    + " could not be registered, so the agent was not started: " + (e.getMessage() == null ? e : e.getMessage()));
        }
        // its certificate for Kafka, beside the key it was made for (which never left the host); one that
        // says the same and is valid for 30 more days stays (a new one would restart the agent for nothing)
        Remote installed = run(ssh, "cat " + STATE + WorkerIdentity.BUS_CERTIFICATE);
        try (SFTPClient sftp = ssh.newSFTPClient()) {
            boolean same = installed.exit == 0 && Pki.equivalent(installed.out, Pki.certificate(registered.busCertificate()));
            if (!same && writeIfDifferent(ssh, sftp, STATE + WorkerIdentity.BUS_CERTIFICATE, registered.busCertificate(), 0644)
                    | writeIfDifferent(ssh, sftp, STATE + WorkerIdentity.BUS_CA, registered.busCa(), 0644)) {
                changes.add("bus certificate installed");
            }
        }
        if (!changes.isEmpty()) {
            require(ssh, "systemctl daemon-reload");
            require(ssh, "systemctl enable labforge-agent.service");
            require(ssh, "systemctl restart labforge-agent.service");
        } else if (run(ssh, "systemctl is-active labforge-agent.service").exit != 0) {
            require(ssh, "systemctl start labforge-agent.service");
            changes.add("agent started");
        }
        return new Outcome(host, address, true, !changes.isEmpty(),
                os + "; " + (changes.isEmpty() ? "already installed and running" : String.join(", ", changes)) + "; identity "
                        + identity.fingerprint() + " " + registered.change() + ", on Kafka as " + registered.busPrincipal(), identity);
    }

    /** What uninstall removes, each with what it is called in its outcome. */
    static final List<String[]> INSTALLED = List.of(new String[] {"/opt/labforge", "agent"}, new String[] {"/etc/labforge", "configuration"},
            new String[] {"/var/lib/labforge-agent", "keys and journal"}, new String[] {"/var/lib/labforge", "the steps' state"});

    private Outcome uninstall(SSHClient ssh, String host, String address, Removal removal) throws IOException {
        List<String> removed = new ArrayList<>();
        if (run(ssh, "test -e " + UNIT).exit == 0) {
            run(ssh, "systemctl disable --now labforge-agent.service");
            require(ssh, "rm -f " + UNIT);
            require(ssh, "systemctl daemon-reload");
            removed.add("unit");
        }
        for (String[] p : INSTALLED) {
            if (run(ssh, "test -e " + p[0]).exit == 0) {
                require(ssh, "rm -rf " + p[0]);
                removed.add(p[1]);
            }
        }
        List<String> left = new ArrayList<>();
        List<String> paths = new ArrayList<>(List.of(UNIT));
        INSTALLED.forEach(p -> paths.add(p[0]));
        for (String path : paths) {
            if (run(ssh, "test -e " + path).exit == 0) {
                left.add(path);
            }
        }
        if (run(ssh, "pgrep -f labforge-agent.jar").exit == 0) {
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

    /**
     * The agent's identity: made on the host by the agent's jar itself (before the agent is started, so
     * the two never race to make keys), or read from where the running agent wrote it.
     */
    private WorkerIdentity identity(SSHClient ssh, String host, boolean fresh) throws IOException {
        Remote written = fresh ? new Remote(1, "") : run(ssh, "cat " + IDENTITY);
        Remote r = written.exit == 0 ? written : run(ssh, "java -jar " + JAR + " identity " + CONFIG);
        if (r.exit != 0) {
            throw new IOException("the agent could not make its identity (" + r.exit + "): " + r.out.strip());
        }
        WorkerIdentity id = WorkerIdentity.parse(r.out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(r.out));
        if (!id.worker().equals(host)) {
            throw new IOException("the agent's identity is " + id.worker() + "'s, not " + host + "'s");
        }
        return id;
    }

    String config(String host) {
        return "# written by labforge hosts bootstrap\n"
                + "labforge.agent.host-id=" + host + "\n"
                + "labforge.agent.bootstrap-servers=" + kafka + "\n"
                + "labforge.agent.orchestrator-public-key=" + publicKey + "\n"
                + (sealingKey == null ? "" : "labforge.agent.orchestrator-sealing-key=" + sealingKey + "\n")
                + "labforge.agent.state-dir=/var/lib/labforge-agent\n";
    }

    /**
     * The agent's JVM, chosen with {@code ./labforge bench agent} on a lab-host container: a small heap that
     * starts small and is given back after a collection (the agent holds little between steps), the serial
     * collector (one thread, smallest footprint), the C1 compiler only with one compiler thread (the agent's
     * code is not hot enough to pay for C2) and a bounded code cache. See docs/operations.md for the figures.
     */
    static final String JVM_OPTIONS = "-Xms8m -Xmx128m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xss512k -XX:+UseSerialGC"
            + " -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m";

    static final String UNIT_TEXT = """
            # written by labforge hosts bootstrap
            [Unit]
            Description=Labforge agent
            Wants=network-online.target
            After=network-online.target

            [Service]
            ExecStart=/usr/bin/java %s -jar /opt/labforge/labforge-agent.jar --config=/etc/labforge/agent.properties
            # the JVM answers SIGTERM (systemctl stop) with 143: a clean stop, not a failure
            SuccessExitStatus=143
            Restart=always
            RestartSec=3

            [Install]
            WantedBy=multi-user.target
            """.formatted(JVM_OPTIONS);

    private static boolean writeIfDifferent(SSHClient ssh, SFTPClient sftp, String path, String content, int mode)
            throws IOException {
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

    private record Remote(int exit, String out) {
    }

    /** Runs one of this class's fixed commands (no lab text is ever part of one). */
    private static Remote run(SSHClient ssh, String fixedCommand) throws IOException {
        try (Session s = ssh.startSession()) {
            Session.Command c = s.exec(fixedCommand);
            byte[] out = c.getInputStream().readAllBytes();
            byte[] err = c.getErrorStream().readAllBytes();
            c.join(120, TimeUnit.SECONDS);
            Integer exit = c.getExitStatus();
            return new Remote(exit == null ? -1 : exit, new String(out, StandardCharsets.UTF_8) + new String(err, StandardCharsets.UTF_8));
        }
    }

    private static void require(SSHClient ssh, String fixedCommand) throws IOException {
        Remote r = run(ssh, fixedCommand);
        if (r.exit != 0) {
            throw new IOException(fixedCommand + " failed (" + r.exit + "): " + r.out.strip());
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }
}
