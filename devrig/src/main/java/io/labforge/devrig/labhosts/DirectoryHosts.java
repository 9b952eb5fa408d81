package io.labforge.devrig.labhosts;

import io.labforge.common.lab.Lab;
import io.labforge.common.worker.WorkerIdentity;
import io.labforge.orchestrator.trust.WorkerIdentities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/**
 * Hosts simulated as directories on this machine (nothing outside them changes), their agents all in one JVM
 * ({@code java -jar labforge-agent.jar fleet DIR}), each with its own keys (made here and registered with the
 * orchestrator in this process), journal and root. Under {@code dir}: {@code hosts/<host>} (its root),
 * {@code agents/<host>} (its keys and journal), {@code fleet/<host>.properties} and {@code logs/agents.log}.
 */
public final class DirectoryHosts {
    private final Path dir;
    private final Path orchestratorDir;

    /** {@code orchestratorDir}: where the orchestrator keeps its public keys, which the agents trust. */
    public DirectoryHosts(Path dir, Path orchestratorDir) {
        this.dir = dir.toAbsolutePath();
        this.orchestratorDir = orchestratorDir.toAbsolutePath();
    }

    /** Makes each host's root, keys and settings, and registers its identity as {@code actor}. */
    public void prepare(Collection<Lab.Host> hosts, WorkerIdentities identities, String actor, String kafka) throws IOException {
        Files.createDirectories(dir.resolve("fleet"));
        Files.createDirectories(dir.resolve("logs"));
        for (Lab.Host h : hosts) {
            Path state = dir.resolve("agents").resolve(h.name());
            identities.register(WorkerIdentity.loadOrCreate(state, h.name()).identity(), actor).install(state);
            writeSettings(h.name(), state, kafka);
        }
    }

    /** The host's root: what a step on it changes. */
    public Path root(String host) {
        return dir.resolve("hosts").resolve(host);
    }

    /** One JVM for all the prepared hosts' agents: its heap grows with their number. */
    public Process startFleet(Path agentJar, int hosts) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx" + Math.max(128, 64 + 3 * hosts) + "m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", agentJar.toAbsolutePath().toString(), "fleet", dir.resolve("fleet").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs").resolve("agents.log").toFile())
                .start();
    }

    /** A host root as a directory host starts: it stands for a fresh Debian 12 host with Docker installed. */
    public static void freshDebian(Path root) throws IOException {
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("usr/bin"));
        Files.writeString(root.resolve("usr/bin/dockerd"), "");
        Files.writeString(root.resolve("etc/hostname"), "debian\n");
        Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n");
        Files.writeString(root.resolve("etc/os-release"), "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_CODENAME=bookworm\n");
    }

    /** A directory host's settings, as bootstrap writes them on a real host, plus its root and state here. */
    private void writeSettings(String host, Path state, String kafka) throws IOException {
        Path root = root(host);
        freshDebian(root);
        Files.writeString(dir.resolve("fleet").resolve(host + ".properties"), "# a directory host, run by the fleet\n"
                + "labforge.agent.host-id=" + host + "\n"
                + "labforge.agent.bootstrap-servers=" + kafka + "\n"
                + "labforge.agent.orchestrator-public-key-file=" + orchestratorDir.resolve("orchestrator.pub") + "\n"
                + "labforge.agent.orchestrator-sealing-key-file=" + orchestratorDir.resolve("sealing.pub") + "\n"
                + "labforge.agent.root=" + root + "\n"
                + "labforge.agent.state-dir=" + state + "\n");
    }
}
