package io.labforge.orchestrator.bootstrap;

import static io.labforge.orchestrator.bootstrap.RemoteCommands.require;
import static io.labforge.orchestrator.bootstrap.RemoteCommands.run;
import static io.labforge.orchestrator.bootstrap.RemoteCommands.writeIfDifferent;

import io.labforge.common.tls.Pki;
import io.labforge.common.worker.Registration;
import io.labforge.common.worker.WorkerIdentity;
import io.labforge.orchestrator.bootstrap.RemoteCommands.Remote;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.sftp.SFTPClient;
import net.schmizz.sshj.xfer.FileSystemFile;

/**
 * {@code labforge hosts bootstrap}: installs the agent on each host over SSH (sshj), once. Checks
 * the OS (systemd) and Java, copies the agent when it differs, writes its configuration and a
 * systemd unit, and (re)starts it only when something changed. Hosts are done in parallel; one
 * that fails does not stop the others. A host that runs another agent jar is upgraded in place, as a
 * {@link Rollout} (a few hosts at a time, each until its new agent announces itself, rolled back and the
 * rollout stopped at the first failure); its keys and journal stay. Every remote command is a fixed
 * string: nothing of the lab file reaches a remote shell (files are written over SFTP).
 */
public final class HostBootstrap {
    public static final String JAR = "/opt/labforge/labforge-agent.jar";
    static final String PREVIOUS = JAR + ".previous";
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
    public record Outcome(String host, String address, boolean ok, boolean changed, String detail, WorkerIdentity identity,
            Instant startedAt, boolean upgraded) {
        Outcome(String host, String address, boolean ok, boolean changed, String detail) {
            this(host, address, ok, changed, detail, null, null, false);
        }

        Outcome(String host, String address, boolean ok, boolean changed, String detail, WorkerIdentity identity) {
            this(host, address, ok, changed, detail, identity, null, false);
        }

        Outcome(String host, String address, boolean ok, boolean changed, String detail, WorkerIdentity identity, Instant startedAt) {
            this(host, address, ok, changed, detail, identity, startedAt, false);
        }

        /** This outcome, for a host whose agent was replaced by the new jar (another version or another build of it). */
        Outcome asUpgrade() {
            return new Outcome(host, address, ok, changed, detail, identity, startedAt, true);
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
    private final int maxUpgrading;
    private final Rollout.Announcements announcements;

    /**
     * {@code publicKey}: the orchestrator's signing key, which the agent will trust; {@code sealingKey}: its
     * HPKE public key, to which agents seal secret outputs (null: none); {@code registrar}: where each
     * agent's identity is registered.
     */
    public HostBootstrap(Path agentJar, Path knownHosts, Login login, String kafka, String publicKey, String sealingKey,
            Registrar registrar) {
        this(agentJar, knownHosts, login, kafka, publicKey, sealingKey, registrar, Integer.MAX_VALUE, Rollout.UNWATCHED);
    }

    private HostBootstrap(Path agentJar, Path knownHosts, Login login, String kafka, String publicKey, String sealingKey,
            Registrar registrar, int maxUpgrading, Rollout.Announcements announcements) {
        this.maxUpgrading = maxUpgrading;
        this.announcements = announcements;
        this.registrar = registrar;
        this.sealingKey = sealingKey == null ? null : sealingKey.strip();
        this.agentJar = agentJar;
        this.knownHosts = knownHosts.toFile();
        this.login = login;
        this.kafka = kafka;
        this.publicKey = publicKey.strip();
    }

    /**
     * The same bootstrap, replacing running agents as a rollout (see {@link Rollout}): at most {@code maxAtOnce}
     * hosts at a time, each until {@code announcements} has seen its new agent; the first failure stops it.
     */
    public HostBootstrap rolling(int maxAtOnce, Rollout.Announcements announcements) {
        return new HostBootstrap(agentJar, knownHosts.toPath(), login, kafka, publicKey, sealingKey, registrar, Rollout.checked(maxAtOnce),
                announcements);
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
        Rollout rollout = new Rollout(maxUpgrading, announcements);
        String version = jarVersion(agentJar);
        String sum = sha256(agentJar);
        return new SshHosts(knownHosts.toPath(), login).each(targets, (ssh, host, address) -> install(ssh, host, address, rollout, version, sum));
    }

    public static void forgetHostKey(Path knownHosts, String address) {
        try {
            TofuKnownHosts.forget(knownHosts.toFile(), address);
        } catch (IOException e) {
            throw new IllegalStateException("cannot update " + knownHosts, e);
        }
    }

    private Outcome install(SSHClient ssh, String host, String address, Rollout rollout, String version, String sum) throws IOException {
        if (run(ssh, "test -d /run/systemd/system").exit() != 0) {
            return new Outcome(host, address, false, false, "the host does not run systemd: the agent is installed as a systemd unit");
        }
        String os = run(ssh, "cat /etc/os-release").out().lines().filter(l -> l.startsWith("PRETTY_NAME="))
                .map(l -> l.substring(12).replace("\"", "")).findFirst().orElse("unknown OS");
        Remote java = run(ssh, "java -version");
        Matcher m = JAVA_VERSION.matcher(java.out());
        if (java.exit() != 0 || !m.find() || Integer.parseInt(m.group(1)) < 17) {
            return new Outcome(host, address, false, false, os + ": Java 17 or newer is needed (found: "
                    + (java.exit() != 0 ? "none" : java.out().lines().findFirst().orElse("?")) + "); e.g. apt-get install openjdk-17-jre-headless");
        }
        List<String> changes = new ArrayList<>();
        Rollout.Upgrade upgrade = null;
        String from = null;
        try {
            try (SFTPClient sftp = ssh.newSFTPClient()) {
                sftp.mkdirs("/opt/labforge");
                sftp.mkdirs("/etc/labforge");
                Remote installed = run(ssh, "sha256sum " + JAR);
                if (installed.exit() != 0) {
                    putJar(ssh, sftp);
                    changes.add("agent " + version + " copied");
                } else if (!installed.out().split("\\s+")[0].equals(sum)) {
                    from = installedVersion(sftp);
                    upgrade = rollout.begin(host);
                    if (upgrade == null) {
                        return new Outcome(host, address, false, false, "not upgraded: the rollout stopped when " + rollout.stoppedBy()
                                + "'s upgrade failed; this host still runs agent " + from);
                    }
                    // the running agent's jar is kept (a hard link) until its successor has announced itself
                    require(ssh, "ln -f " + JAR + " " + PREVIOUS);
                    putJar(ssh, sftp);
                    changes.add(from.equals(version) ? "agent " + version + " replaced by another build of it"
                            : "agent upgraded from " + from + " to " + version + " (keys and journal kept)");
                }
                if (writeIfDifferent(ssh, sftp, CONFIG, config(host), 0600)) {
                    changes.add("configuration written");
                }
                if (writeIfDifferent(ssh, sftp, UNIT, UNIT_TEXT, 0644)) {
                    changes.add("systemd unit written");
                }
            }
            Outcome started = registerAndStart(ssh, host, address, os, changes);
            if (upgrade == null) {
                return started;
            }
            String why = !started.ok() ? started.detail() : upgrade.announced(version, started.startedAt());
            if (why != null) {
                return rolledBack(ssh, upgrade, host, address, from, version, why);
            }
            run(ssh, "rm -f " + PREVIOUS);
            return started.asUpgrade();
        } catch (IOException | RuntimeException e) {
            if (upgrade != null) {
                return rolledBack(ssh, upgrade, host, address, from, version, e.getMessage() == null ? e.toString() : e.getMessage());
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            if (upgrade != null) {
                upgrade.close();
            }
        }
    }

    /** The jar is written beside the one the agent runs and renamed over it: a running JVM never reads a half-written jar. */
    private void putJar(SSHClient ssh, SFTPClient sftp) throws IOException {
        sftp.put(new FileSystemFile(agentJar.toFile()), JAR + ".new");
        require(ssh, "mv -f " + JAR + ".new " + JAR);
    }

    /** A failed upgrade stops the rollout and puts the previous jar back, and its agent runs again. */
    private static Outcome rolledBack(SSHClient ssh, Rollout.Upgrade upgrade, String host, String address, String from, String to,
            String why) {
        upgrade.failed();
        String failed = "upgrade to " + to + " failed: " + why;
        try {
            require(ssh, "mv -f " + PREVIOUS + " " + JAR);
            require(ssh, "systemctl restart labforge-agent.service");
            return new Outcome(host, address, false, true, failed + "; rolled back: agent " + from + " runs again");
        } catch (IOException | RuntimeException e) {
            return new Outcome(host, address, false, true, failed + "; and putting agent " + from + " back failed too: " + e.getMessage());
        }
    }

    private static String installedVersion(SFTPClient sftp) {
        try {
            String v = RemoteCommands.jarVersion(sftp, JAR);
            return v == null ? "of unknown version" : v;
        } catch (IOException e) {
            return "of unknown version";
        }
    }

    /** The local jar's version, as its manifest says (what the agent will announce). */
    public static String jarVersion(Path jar) {
        try (JarFile f = new JarFile(jar.toFile())) {
            String v = RemoteCommands.version(f.getManifest());
            return v == null ? "dev" : v;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the agent jar " + jar + ": " + e.getMessage(), e);
        }
    }

    /** Registers the agent's identity, then (re)starts it when something changed; says what it did. */
    private Outcome registerAndStart(SSHClient ssh, String host, String address, String os, List<String> changes) throws IOException {
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
            boolean same = installed.exit() == 0 && Pki.equivalent(installed.out(), Pki.certificate(registered.busCertificate()));
            if (!same && writeIfDifferent(ssh, sftp, STATE + WorkerIdentity.BUS_CERTIFICATE, registered.busCertificate(), 0644)
                    | writeIfDifferent(ssh, sftp, STATE + WorkerIdentity.BUS_CA, registered.busCa(), 0644)) {
                changes.add("bus certificate installed");
            }
        }
        Instant startedAt = Instant.now();
        if (!changes.isEmpty()) {
            require(ssh, "systemctl daemon-reload");
            require(ssh, "systemctl enable labforge-agent.service");
            require(ssh, "systemctl restart labforge-agent.service");
        } else if (run(ssh, "systemctl is-active labforge-agent.service").exit() != 0) {
            require(ssh, "systemctl start labforge-agent.service");
            changes.add("agent started");
        }
        return new Outcome(host, address, true, !changes.isEmpty(),
                os + "; " + (changes.isEmpty() ? "already installed and running" : String.join(", ", changes)) + "; identity "
                        + identity.fingerprint() + " " + registered.change() + ", on Kafka as " + registered.busPrincipal(), identity, startedAt);
    }

    /**
     * The agent's identity: made on the host by the agent's jar itself (before the agent is started, so
     * the two never race to make keys), or read from where the running agent wrote it.
     */
    private WorkerIdentity identity(SSHClient ssh, String host, boolean fresh) throws IOException {
        Remote written = fresh ? new Remote(1, "") : run(ssh, "cat " + IDENTITY);
        Remote r = written.exit() == 0 ? written : run(ssh, "java -jar " + JAR + " identity " + CONFIG);
        if (r.exit() != 0) {
            throw new IOException("the agent could not make its identity (" + r.exit() + "): " + r.out().strip());
        }
        WorkerIdentity id = WorkerIdentity.parse(r.out().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(r.out()));
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
    public static final String JVM_OPTIONS = "-Xms8m -Xmx128m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xss512k -XX:+UseSerialGC"
            + " -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m";

    /**
     * The unit's command: the agent's JVM with a class-data archive (AppCDS) of the classes it loads. The archive is
     * named after the jar and the JVM it was made with (their sizes and times). When there is none for this pair, this
     * run removes any other and records one as it exits ({@code -XX:ArchiveClassesAtExit}); the runs after it map the
     * classes from it ({@code -XX:SharedArchiveFile}) instead of reading, parsing and verifying them, which halves
     * the agent's start. A new jar or an upgraded JVM gets its own archive. A fixed script: nothing in it comes from a
     * lab or a host ({@code $$} and {@code %%} are systemd's escapes of the shell's {@code $} and of {@code %}).
     */
    static final String EXEC_START = "/bin/sh -c 'a=" + STATE + "agent-$$(stat -L -c %%s.%%Y " + JAR + ").$$(stat -L -c %%s.%%Y /usr/bin/java).jsa;"
            + " if [ -f $$a ]; then cds=-XX:SharedArchiveFile=$$a; else rm -f " + STATE + "agent-*.jsa; cds=-XX:ArchiveClassesAtExit=$$a; fi;"
            + " exec /usr/bin/java $$cds " + JVM_OPTIONS + " -jar " + JAR + " --config=" + CONFIG + "'";

    static final String UNIT_TEXT = """
            # written by labforge hosts bootstrap
            [Unit]
            Description=Labforge agent
            Wants=network-online.target
            After=network-online.target

            [Service]
            ExecStart=%s
            # the JVM answers SIGTERM (systemctl stop) with 143: a clean stop, not a failure
            SuccessExitStatus=143
            Restart=always
            RestartSec=3

            [Install]
            WantedBy=multi-user.target
            """.formatted(EXEC_START);

    /** The hex SHA-256 of a file: how bootstrap tells whether a host holds this agent jar. */
    public static String sha256(Path file) {
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
